package pier.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** Debian's curl, as a client nobody here wrote: runs it and returns what it printed. */
final class Curl {

    private Curl() {
    }

    static String run(String... arguments) {
        List<String> command = new ArrayList<>(List.of("curl"));
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            try {
                assertThat("curl finished", process.waitFor(60, TimeUnit.SECONDS), is(true));
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            } finally {
                process.destroyForcibly();
            }
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
