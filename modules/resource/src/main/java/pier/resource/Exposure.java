package pier.resource;

/**
 * The protocols a resource can be exposed on, each on its own ({@code @export(rest: false)}): a resource
 * not exposed on one is not found there at all.
 */
public enum Exposure {
    /** HTTP: REST, Server-Sent Events and plain WebSocket connections. */
    REST,
    /** MQTT, over TCP and over WebSocket. */
    MQTT
}
