/**
 * An MQTT 3.1, 3.1.1 and 5.0 broker: a transport-neutral session engine ({@link pier.protocol.mqtt.MqttBroker},
 * fed decoded packets by any transport) and a Netty TCP listener ({@link pier.protocol.mqtt.MqttListener}).
 */
module pier.protocol.mqtt {
    requires transitive pier.resource;
    requires transitive pier.security;
    requires transitive pier.protocol;
    requires pier.query;
    requires transitive io.netty.codec.mqtt;
    requires io.netty.codec;
    requires io.netty.buffer;
    requires io.netty.transport;
    requires io.netty.common;
    requires io.netty.handler;

    exports pier.protocol.mqtt;
}
