package pier.protocol.http;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/** REST as HTTP says it: conditional requests, content negotiation, and credentials, over a resource of the test's. */
class RestProtocolTest {

    @RegisterExtension
    static final HttpHarness HTTP = new HttpHarness();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final pier.codec.Codec CBOR = pier.codec.CodecRegistry.load(pier.codec.CodecLimits.DEFAULT)
            .forContentType("application/cbor").orElseThrow();
    private static final String BASIC = "Basic " + Base64.getEncoder().encodeToString(
            (HttpHarness.USER + ":" + HttpHarness.PASSWORD).getBytes(StandardCharsets.UTF_8));

    @Test
    void aWriteNamingAnotherVersionIsRefusedAndAReadOfTheSameVersionIsNotModified() throws Exception {
        assertThat(put("/notes/cond", "{\"text\":\"one\"}", null).statusCode(), is(204));
        HttpResponse<byte[]> read = HTTP.send(HTTP.request("/notes/cond").header("Authorization", BASIC).build());
        String etag = read.headers().firstValue("ETag").orElseThrow();

        HttpResponse<byte[]> again = HTTP.send(HTTP.request("/notes/cond").header("Authorization", BASIC)
                .header("If-None-Match", etag).build());
        assertThat(again.statusCode(), is(304));
        assertThat(again.body().length, is(0));

        HttpResponse<byte[]> stale = put("/notes/cond", "{\"text\":\"lost\"}", "\"stale\"");
        assertThat(stale.statusCode(), is(412));
        assertThat(stale.headers().firstValue("Content-Type").orElseThrow(), is("application/problem+json"));
        assertThat(put("/notes/cond", "{\"text\":\"weak\"}", "W/" + etag).statusCode(), is(412)); // If-Match is strong
        assertThat(put("/notes/cond", "{\"text\":\"two\"}", etag).statusCode(), is(204));

        HttpResponse<byte[]> changed = HTTP.send(HTTP.request("/notes/cond").header("Authorization", BASIC)
                .header("If-None-Match", etag).build());
        assertThat(changed.statusCode(), is(200));
        assertThat(changed.headers().firstValue("ETag").orElseThrow(), not(etag));
        assertThat(JSON.readTree(changed.body()).get("text").asText(), is("two"));
    }

    @Test
    void theClientChoosesTheFormatInAndOut() throws Exception {
        byte[] cbor = CBOR.encode(JSON.readTree("{\"text\":\"in cbor\"}"));
        HttpResponse<byte[]> written = HTTP.send(HTTP.request("/notes/format").header("Authorization", BASIC)
                .header("Content-Type", "application/cbor").PUT(HttpRequest.BodyPublishers.ofByteArray(cbor)).build());
        assertThat(written.statusCode(), is(204));

        HttpResponse<byte[]> asCbor = get("/notes/format", "application/cbor");
        assertThat(asCbor.headers().firstValue("Content-Type").orElseThrow(), is("application/cbor"));
        assertThat(CBOR.decode(asCbor.body()).get("text").asText(), is("in cbor"));
        assertThat(asCbor.headers().firstValue("Vary").orElseThrow(), containsString("Accept"));

        HttpResponse<byte[]> preferred = get("/notes/format", "application/cbor;q=0.5, application/json");
        assertThat(preferred.headers().firstValue("Content-Type").orElseThrow(), containsString("application/json"));

        HttpResponse<byte[]> unknown = get("/notes/format", "image/png");
        assertThat(unknown.statusCode(), is(406));
        JsonNode problem = JSON.readTree(unknown.body());
        assertThat(problem.get("status").asInt(), is(406));
    }

    @Test
    void credentialsAreCheckedAndATokenEndsWithItsLogout() throws Exception {
        assertThat(get("/notes/", null, null).statusCode(), is(401));
        assertThat(get("/notes/", null, "Basic " + Base64.getEncoder().encodeToString("ann:wrong".getBytes(
                StandardCharsets.UTF_8))).statusCode(), is(401));

        HttpResponse<byte[]> login = HTTP.send(HTTP.request("/$login").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"ann\",\"password\":\"pw\"}")).build());
        assertThat(login.statusCode(), is(200));
        String token = JSON.readTree(login.body()).get("token").asText();
        assertThat(get("/notes/", null, "Bearer " + token).statusCode(), is(200));

        String tampered = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");
        assertThat(get("/notes/", null, "Bearer " + tampered).statusCode(), is(401));

        HttpResponse<byte[]> logout = HTTP.send(HTTP.request("/$logout").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(logout.statusCode(), is(204));
        assertThat(get("/notes/", null, "Bearer " + token).statusCode(), is(401));
    }

    private static HttpResponse<byte[]> put(String path, String json, String ifMatch) throws Exception {
        HttpRequest.Builder request = HTTP.request(path).header("Authorization", BASIC)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json));
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        return HTTP.send(request.build());
    }

    private static HttpResponse<byte[]> get(String path, String accept) throws Exception {
        return get(path, accept, BASIC);
    }

    private static HttpResponse<byte[]> get(String path, String accept, String authorization) throws Exception {
        HttpRequest.Builder request = HTTP.request(path);
        if (accept != null) {
            request.header("Accept", accept);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build());
    }
}
