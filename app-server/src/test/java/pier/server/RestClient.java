package pier.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import org.msgpack.jackson.dataformat.MessagePackMapper;

/** A small JDK HttpClient wrapper for the REST tests, decoding answers with Jackson's own mappers. */
final class RestClient {

    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectMapper CBOR = new CBORMapper();
    static final ObjectMapper MSGPACK = new MessagePackMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final String authorization;

    RestClient(int port, String user, String password) {
        this.base = "http://127.0.0.1:" + port;
        this.authorization = user == null ? null : "Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path));
        return authorization == null ? builder : builder.header("Authorization", authorization);
    }

    HttpResponse<byte[]> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<byte[]> get(String path, String accept) {
        return send(request(path).header("Accept", accept));
    }

    HttpResponse<byte[]> put(String path, String contentType, byte[] body) {
        return send(request(path).header("Content-Type", contentType).PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    HttpResponse<byte[]> putJson(String path, String json) {
        return put(path, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    HttpResponse<byte[]> method(String method, String path, String contentType, byte[] body) {
        return send(request(path).header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    static JsonNode json(HttpResponse<byte[]> response) {
        return read(JSON, response.body());
    }

    static JsonNode read(ObjectMapper mapper, byte[] body) {
        try {
            return mapper.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not decodable: " + new String(body, StandardCharsets.UTF_8), e);
        }
    }

    /** An {@code Authorization} header value for HTTP Basic. */
    static String basic(String user, String password) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
