package pier.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Tables and records over Pier's REST interface. Blocking and thread-safe: call it from a background
 * thread. Every refusal becomes a {@link ClientException} carrying the server's problem detail.
 */
public final class PierClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ServerAddress address;
    private final HttpClient http;

    private PierClient(ServerAddress address) {
        this.address = address;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(address.tls()).build();
    }

    /**
     * A client of one server; nothing is sent until the first call.
     *
     * @param address the server and credentials
     * @return the client
     */
    public static PierClient of(ServerAddress address) {
        return new PierClient(address);
    }

    /** The server and user this client speaks as. */
    public ServerAddress address() {
        return address;
    }

    /**
     * The exported tables ({@code GET /}); custom resources, which have no attributes, are left out.
     *
     * @return the tables in the server's order
     */
    public List<TableInfo> tables() {
        JsonNode listing = json(send(request("/").GET(), "list the tables"));
        List<TableInfo> tables = new ArrayList<>();
        for (JsonNode entry : listing) {
            if (entry.has("attributes")) {
                tables.add(table(entry));
            }
        }
        return tables;
    }

    /**
     * The records a query selects ({@code GET /T/?query}), in the server's order.
     *
     * @param table the table
     * @param query the REST query language, such as {@code age=gt=3&sort(-age)&limit(0,50)}; empty for all
     * @return the records as JSON values
     */
    public List<JsonNode> query(String table, String query) {
        JsonNode records = json(send(request(collection(table), query).GET(), "query " + table));
        List<JsonNode> list = new ArrayList<>(records.size());
        records.forEach(list::add);
        return list;
    }

    /**
     * One record, read in the given format and decoded.
     *
     * @param table  the table
     * @param id     the record's id
     * @param format the format to ask for
     * @return the record with its ETag
     * @throws ClientException with status 404 when it does not exist
     */
    public StoredRecord get(String table, String id, Format format) {
        HttpResponse<byte[]> response = send(request(record(table, id)).header("Accept", format.mediaType()).GET(),
                "read " + table + "/" + id);
        String contentType = response.headers().firstValue("Content-Type").orElse(format.mediaType());
        Payload body = Payload.of(response.body(), contentType);
        return new StoredRecord(body.value(), response.headers().firstValue("ETag").orElse(null), contentType,
                response.body().length);
    }

    /**
     * Replaces a record ({@code PUT}).
     *
     * @param ifMatch the ETag the edit started from, or null to write unconditionally
     * @return the new ETag
     * @throws ClientException {@link ClientException#isConflict()} when the record changed since {@code ifMatch}
     */
    public String put(String table, String id, JsonNode value, String ifMatch) {
        return write("PUT", table, id, value, ifMatch);
    }

    /**
     * Merges top-level attributes into a record ({@code PATCH}).
     *
     * @param ifMatch the ETag the edit started from, or null to write unconditionally
     * @return the new ETag
     * @throws ClientException {@link ClientException#isConflict()} when the record changed since {@code ifMatch}
     */
    public String patch(String table, String id, JsonNode value, String ifMatch) {
        return write("PATCH", table, id, value, ifMatch);
    }

    /**
     * Creates a record ({@code POST /T/}); the server picks an id unless the value holds one.
     *
     * @return the new record's id
     */
    public String create(String table, JsonNode value) {
        HttpResponse<byte[]> response = send(request(collection(table))
                .header("Content-Type", Format.JSON.mediaType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(Format.JSON.encode(value))), "create in " + table);
        JsonNode id = json(response);
        return id.asText();
    }

    /**
     * Deletes a record.
     *
     * @param ifMatch the ETag it must still have, or null
     */
    public void delete(String table, String id, String ifMatch) {
        HttpRequest.Builder request = request(record(table, id)).DELETE();
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        send(request, "delete " + table + "/" + id);
    }

    /**
     * Streams the records of a query into a file format without holding them all.
     *
     * @param columns  the view's columns (CSV header; records are cut to them); JSON Lines keeps every attribute
     * @param progress told the number of records written so far
     * @return the number of records written
     */
    public long export(String table, String query, List<String> columns, ExportFormat format, OutputStream out,
                       LongConsumer progress) {
        HttpRequest request = request(collection(table), query).header("Accept", Format.JSON.mediaType()).GET()
                .build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() >= 300) {
                    throw refusal(response.statusCode(), body.readAllBytes(), "export " + table);
                }
                return RecordExport.write(JSON.createParser(body), columns, format, out, progress);
            }
        } catch (IOException e) {
            throw ClientException.unreachable("export " + table, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ClientException.unreachable("export " + table, e);
        }
    }

    /**
     * The server's metrics now ({@code GET /observe/metrics}).
     *
     * @return the reading
     */
    public ServerMetrics metrics() {
        HttpResponse<byte[]> response = send(request("/observe/metrics").header("Accept", "text/plain").GET(),
                "read the metrics");
        return ServerMetrics.parse(new String(response.body(), StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        http.close();
    }

    private String write(String method, String table, String id, JsonNode value, String ifMatch) {
        HttpRequest.Builder request = request(record(table, id)).header("Content-Type", Format.JSON.mediaType())
                .method(method, HttpRequest.BodyPublishers.ofByteArray(Format.JSON.encode(value)));
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        return send(request, method + " " + table + "/" + id).headers().firstValue("ETag").orElse(null);
    }

    private HttpRequest.Builder request(String encodedPath) {
        return request(encodedPath, "");
    }

    private HttpRequest.Builder request(String encodedPath, String query) {
        URI base = address.resolve(encodedPath);
        URI uri;
        try {
            // the multi-argument constructor quotes what a URI may not hold and keeps the query language's + , ( )
            uri = query.isBlank() ? base : new URI(base + "?" + new URI(null, null, null, query.strip(), null)
                    .getRawQuery());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a usable query: " + query, e);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT);
        if (address.authenticated()) {
            request.header("Authorization", address.basicAuthorization());
        }
        return request;
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request, String what) {
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() >= 300) {
                throw refusal(response.statusCode(), response.body(), what);
            }
            return response;
        } catch (IOException e) {
            throw ClientException.unreachable("cannot " + what + " at " + address.http(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ClientException.unreachable("cannot " + what, e);
        }
    }

    private static ClientException refusal(int status, byte[] body, String what) {
        String detail;
        try {
            JsonNode problem = JSON.readTree(body);
            detail = problem.path("detail").asText(problem.path("title").asText(""));
        } catch (IOException | RuntimeException e) {
            detail = new String(body, StandardCharsets.UTF_8).strip();
        }
        return new ClientException(status, "cannot " + what + ": " + status + (detail.isEmpty() ? "" : " " + detail),
                null);
    }

    private static JsonNode json(HttpResponse<byte[]> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new ClientException(response.statusCode(), "the server answered no JSON: " + e.getMessage(), e);
        }
    }

    private static TableInfo table(JsonNode entry) {
        List<TableInfo.Attribute> attributes = new ArrayList<>();
        for (JsonNode attribute : entry.path("attributes")) {
            attributes.add(new TableInfo.Attribute(attribute.path("name").asText(), attribute.path("type").asText(),
                    attribute.path("indexed").asBoolean()));
        }
        return new TableInfo(entry.path("name").asText(), entry.path("primaryKey").asText(), List.copyOf(attributes),
                entry.path("records").asLong());
    }

    private static String collection(String table) {
        return "/" + segment(table) + "/";
    }

    private static String record(String table, String id) {
        return "/" + segment(table) + "/" + segment(id);
    }

    private static String segment(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
