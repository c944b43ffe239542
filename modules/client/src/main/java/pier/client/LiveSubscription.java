package pier.client;

/** A topic filter or live query the server accepted; closing it unsubscribes. */
public interface LiveSubscription extends AutoCloseable {

    /** The filter as subscribed, such as {@code Dog/#} or {@code Dog/?age=gt=3}. */
    String filter();

    /** Unsubscribes; messages stop arriving. */
    @Override
    void close();
}
