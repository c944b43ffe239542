package pier.protocol.mqtt;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import pier.security.Authenticator;
import pier.resource.Principal;

/** A broker with its TCP listener on a free port; user {@code u}, password {@code p}. */
final class TestBroker implements AutoCloseable {

    /** Retained messages kept in memory (the durable table store is tested with the server). */
    static final class MemoryRetained implements RetainedStore {
        final Map<String, Message> messages = new ConcurrentHashMap<>();

        @Override
        public List<Message> loadAll() {
            return List.copyOf(messages.values());
        }

        @Override
        public CompletableFuture<Void> put(Message message) {
            messages.put(message.topic(), message);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> remove(String topic) {
            messages.remove(topic);
            return CompletableFuture.completedFuture(null);
        }
    }

    final MemoryRetained retained = new MemoryRetained();
    final MqttBroker broker;
    final MqttListener listener;

    TestBroker(boolean allowAnonymous, MqttSettings settings) throws InterruptedException {
        broker = MqttBroker.start(settings, new Authenticator() {
            @Override
            public Optional<Principal> authenticate(String user, String password) {
                return user.equals("u") && password.equals("p") ? Optional.of(new Principal("u", true))
                        : Optional.empty();
            }

            @Override
            public boolean allowsAnonymous() {
                return allowAnonymous;
            }
        }, retained);
        listener = MqttListener.start("127.0.0.1", 0, broker);
    }

    TestBroker() throws InterruptedException {
        this(false, MqttSettings.DEFAULT);
    }

    String uri() {
        return "tcp://127.0.0.1:" + listener.port();
    }

    int port() {
        return listener.port();
    }

    @Override
    public void close() {
        broker.close();
        listener.close();
    }
}
