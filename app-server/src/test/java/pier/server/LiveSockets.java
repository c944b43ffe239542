package pier.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Event streams and WebSockets opened as a user (or without credentials: user null), for tests of rights. */
final class LiveSockets {

    private LiveSockets() {
    }

    static HttpResponse<Stream<String>> eventStream(int port, String user, String password, String path)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Accept", "text/event-stream");
        if (user != null) {
            request.header("Authorization", RestClient.basic(user, password));
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofLines());
    }

    /** The open socket, or the status that refused the upgrade; close frames are added to {@code closes}. */
    static Object webSocket(int port, String user, String password, String path, List<String> closes)
            throws Exception {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
        if (user != null) {
            builder.header("Authorization", RestClient.basic(user, password));
        }
        CompletableFuture<WebSocket> opening = builder.buildAsync(URI.create("ws://127.0.0.1:" + port + path),
                new WebSocket.Listener() {
                    @Override
                    public CompletableFuture<?> onClose(WebSocket socket, int status, String reason) {
                        closes.add(status + " " + reason);
                        return null;
                    }
                });
        try {
            return opening.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }
}
