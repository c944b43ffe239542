package pier.studio;

import java.nio.file.Path;
import java.util.List;

/**
 * What the command line says: {@code --url URL --user U --password P --profiles FILE}. With a URL the
 * studio connects at once. The password may also come from {@code PIER_PASSWORD}, which keeps it out of
 * the process list.
 *
 * @param url      the server's HTTP URL
 * @param user     the user, or empty
 * @param password the password, or empty
 * @param profiles the file of saved connection profiles
 */
record StudioOptions(String url, String user, String password, Path profiles) {

    static final String DEFAULT_URL = "http://127.0.0.1:9926";

    /** Options with the profiles in their usual place ({@code $XDG_CONFIG_HOME/pier-studio/profiles.json}). */
    StudioOptions(String url, String user, String password) {
        this(url, user, password, defaultProfiles());
    }

    static StudioOptions parse(List<String> args, String passwordFromEnvironment) {
        String url = "";
        String user = "";
        String password = passwordFromEnvironment == null ? "" : passwordFromEnvironment;
        Path profiles = defaultProfiles();
        for (int i = 0; i < args.size(); i++) {
            String name = args.get(i);
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            String value = args.get(++i);
            switch (name) {
                case "--url" -> url = value;
                case "--user" -> user = value;
                case "--password" -> password = value;
                case "--profiles" -> profiles = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + name
                        + " (options: --url URL --user U --password P --profiles FILE)");
            }
        }
        return new StudioOptions(url, user, password, profiles);
    }

    private static Path defaultProfiles() {
        String config = System.getenv("XDG_CONFIG_HOME");
        Path folder = config == null || config.isBlank() ? Path.of(System.getProperty("user.home"), ".config")
                : Path.of(config);
        return folder.resolve("pier-studio").resolve("profiles.json");
    }

    /** Whether the studio should connect on start. */
    boolean connectAtStart() {
        return !url.isBlank();
    }

    /** The URL shown in the connection bar. */
    @Override
    public String url() {
        return url.isBlank() ? DEFAULT_URL : url;
    }
}
