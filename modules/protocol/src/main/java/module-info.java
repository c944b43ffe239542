/**
 * The SPI between protocol modules: a WebSocket sub-protocol (such as MQTT's {@code mqtt}) that the HTTP
 * module serves on upgrade and another module provides, so that neither requires the other.
 */
module pier.protocol {
    requires transitive pier.resource;

    exports pier.protocol;
}
