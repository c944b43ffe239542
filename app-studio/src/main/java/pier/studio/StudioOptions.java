package pier.studio;

import java.util.List;

/**
 * What the command line says: {@code --url URL --user U --password P}. With a URL the studio connects at
 * once. The password may also come from {@code PIER_PASSWORD}, which keeps it out of the process list.
 *
 * @param url      the server's HTTP URL
 * @param user     the user, or empty
 * @param password the password, or empty
 */
record StudioOptions(String url, String user, String password) {

    static final String DEFAULT_URL = "http://127.0.0.1:9926";

    static StudioOptions parse(List<String> args, String passwordFromEnvironment) {
        String url = "";
        String user = "";
        String password = passwordFromEnvironment == null ? "" : passwordFromEnvironment;
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
                default -> throw new IllegalArgumentException("unknown option " + name
                        + " (options: --url URL --user U --password P)");
            }
        }
        return new StudioOptions(url, user, password);
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
