package pier.studio;

import java.util.List;

import javafx.application.Application;

/** {@code pier studio [--url URL] [--user U] [--password P]}: checks the options, then opens the window. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        try {
            StudioOptions.parse(List.of(args), null);
        } catch (IllegalArgumentException e) {
            System.err.println("pier studio: " + e.getMessage());
            System.exit(2);
        }
        Application.launch(Studio.class, args);
    }
}
