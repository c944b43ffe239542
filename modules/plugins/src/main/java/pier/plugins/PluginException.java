package pier.plugins;

/** A plugin folder that cannot be loaded as a whole; the message names the jar concerned. */
public final class PluginException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    PluginException(String message, Throwable cause) {
        super(message, cause);
    }
}
