package pier.studio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Saved connection profiles, in one JSON file that only its owner may read or write (mode 600, in a
 * folder of mode 700): a server's URL, user and trusted certificate file, and its password only when the
 * person asks for it to be remembered.
 */
final class Profiles {

    /**
     * One profile.
     *
     * @param name        how it is listed: {@code user@host:port}
     * @param url         the server's URL
     * @param user        the user, or empty
     * @param certificate the certificate file to trust for https, or empty
     * @param password    the password, or empty when it is not remembered
     */
    record Profile(String name, String url, String user, String certificate, String password) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    Profiles(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** The saved profiles; none when the file does not exist yet. */
    List<Profile> load() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            List<Profile> profiles = new ArrayList<>();
            for (JsonNode p : JSON.readTree(file.toFile()).path("profiles")) {
                profiles.add(new Profile(p.path("name").asText(), p.path("url").asText(), p.path("user").asText(),
                        p.path("certificate").asText(), p.path("password").asText()));
            }
            return profiles;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the profiles in " + file + ": " + e.getMessage(), e);
        }
    }

    /** Saves a profile, replacing the one of the same name; the file is written whole, then moved in place. */
    void save(Profile profile) {
        List<Profile> profiles = new ArrayList<>(load());
        profiles.removeIf(p -> p.name().equals(profile.name()));
        profiles.add(profile);
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("profiles");
        for (Profile p : profiles) {
            ObjectNode saved = list.addObject().put("name", p.name()).put("url", p.url()).put("user", p.user())
                    .put("certificate", p.certificate());
            if (!p.password().isEmpty()) {
                saved.put("password", p.password());
            }
        }
        try {
            Path folder = file.toAbsolutePath().getParent();
            if (!Files.exists(folder)) {
                Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            Path written = Files.createTempFile(folder, "profiles", ".json",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(written, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
            Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the profiles in " + file + ": " + e.getMessage(), e);
        }
    }
}
