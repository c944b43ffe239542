/**
 * Pier Studio: a JavaFX desktop app to browse tables, watch live subscriptions and publish test messages.
 * It reaches the server only through {@code pier.client}, over REST and MQTT like any other client.
 */
module pier.studio {
    requires pier.client;
    requires javafx.controls;

    // JavaFX instantiates the Application subclass reflectively
    exports pier.studio to javafx.graphics;
}
