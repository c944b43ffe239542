package pier.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.helidon.config.Config;

/**
 * The validated settings the server starts with.
 *
 * @param httpHost     the address HTTP listens on
 * @param httpPort     the HTTP port; 0 picks a free one
 * @param dataFolder   where the store keeps its files
 * @param storeBackend the store provider's name
 * @param schema       the schema file, when one is configured
 */
record ServerConfig(String httpHost, int httpPort, Path dataFolder, String storeBackend, Optional<Path> schema) {

    /**
     * Reads and checks the settings, reporting every problem at once.
     *
     * @throws UsageException naming each invalid setting
     */
    static ServerConfig from(Config config) {
        List<String> problems = new ArrayList<>();
        int port = port(config.get("http.port"), problems);
        Optional<Path> schema = config.get("schema.file").asString().asOptional().map(Path::of);
        schema.filter(file -> !Files.isReadable(file))
                .ifPresent(file -> problems.add("schema.file: " + file.toAbsolutePath() + " cannot be read"));
        if (!problems.isEmpty()) {
            throw new UsageException(String.join("; ", problems));
        }
        return new ServerConfig(config.get("http.host").asString().orElse("127.0.0.1"), port,
                Path.of(config.get("storage.path").asString().orElse("pier-data")),
                config.get("storage.backend").asString().orElse("mapdb"), schema);
    }

    private static int port(Config node, List<String> problems) {
        String text = node.asString().orElse("9926");
        try {
            int port = Integer.parseInt(text.strip());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(node.key() + ": '" + text + "' is not a port number (0-65535)");
        return -1;
    }
}
