package pier.protocol.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;

/**
 * Answers the connections Helidon's HTTP/1 selector turns down, which it would otherwise close without a
 * word: a request line that is not {@code HTTP/1.1} (505), one longer than the prologue limit (414), or
 * one whose method is not a token (a NUL, a space: 400). It claims exactly what that selector refuses
 * (HTTP/1.1 with a line end within the limit is Helidon's), answers with a problem body and closes.
 */
public final class RequestLineGuard implements ServerConnectionSelector {

    private static final String TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";

    private final int maxPrologueLength;

    /**
     * @param maxPrologueLength the HTTP/1 listener's longest request line, as configured there
     */
    public RequestLineGuard(int maxPrologueLength) {
        this.maxPrologueLength = maxPrologueLength;
    }

    @Override
    public int bytesToIdentifyConnection() {
        return 0;
    }

    @Override
    public Support supports(BufferData data) {
        int lineEnd = data.indexOf((byte) '\n');
        if (lineEnd < 0) {
            return data.available() > maxPrologueLength ? Support.SUPPORTED : Support.UNSUPPORTED;
        }
        return refusal(data, lineEnd) == null ? Support.UNSUPPORTED : Support.SUPPORTED;
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return Set.of();
    }

    @Override
    public ServerConnection connection(ConnectionContext context) {
        return new Refusal(context);
    }

    /** What is wrong with a complete request line, or null when Helidon serves it (and validates the rest). */
    private static Problem refusal(BufferData data, int lineEnd) {
        byte[] line = new byte[lineEnd];
        for (int i = 0; i < lineEnd; i++) {
            line[i] = (byte) data.get(i);
        }
        String text = new String(line, StandardCharsets.ISO_8859_1);
        int space = text.indexOf(' ');
        if (space <= 0 || !token(text.substring(0, space))) {
            return Problem.of(400, "the request line does not start with a method (a token) and a space");
        }
        if (text.endsWith(" HTTP/1.1\r")) {
            return null;
        }
        int version = text.lastIndexOf(" HTTP/");
        if (version > space) {
            return Problem.of(505, text.substring(version + 1).strip() + " is not served here; use HTTP/1.1");
        }
        return Problem.of(400, "the request line does not end with HTTP/1.1 and CRLF");
    }

    private static boolean token(String method) {
        return method.chars().allMatch(c -> c > 0x20 && c < 0x7f && (Character.isLetterOrDigit(c)
                || TOKEN_SYMBOLS.indexOf(c) >= 0));
    }

    /** One refused connection: reads what identified it, answers and ends. */
    private final class Refusal implements ServerConnection {

        private final ConnectionContext context;

        Refusal(ConnectionContext context) {
            this.context = context;
        }

        @Override
        public void handle(Limit limit) {
            BufferData data = context.dataReader().getBuffer(context.dataReader().available());
            int lineEnd = data.indexOf((byte) '\n');
            Problem problem = lineEnd < 0
                    ? Problem.of(414, "the request line is longer than " + maxPrologueLength + " bytes")
                    : refusal(data, lineEnd);
            if (problem == null) {
                problem = Problem.of(400, "malformed request line");
            }
            byte[] body = problem.json().getBytes(StandardCharsets.UTF_8);
            io.helidon.http.Status status = io.helidon.http.Status.create(problem.status());
            String head = "HTTP/1.1 " + status.code() + " " + status.reasonPhrase() + "\r\n"
                    + "Content-Type: application/problem+json\r\nContent-Length: " + body.length + "\r\n"
                    + "Connection: close\r\n\r\n";
            context.dataWriter().writeNow(BufferData.create(head.getBytes(StandardCharsets.US_ASCII)));
            context.dataWriter().writeNow(BufferData.create(body));
        }

        @Override
        public Duration idleTime() {
            return Duration.ZERO;
        }

        @Override
        public void close(boolean interrupt) {
            // handle() ends by itself after one write
        }
    }
}
