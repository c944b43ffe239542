/**
 * The MQTT clients Pier's tests drive besides the libraries: {@link pier.mqtt.testing.RawClient} writes
 * packets byte by byte (what no library sends), {@link pier.mqtt.testing.RawMqtt} ends connections the
 * ways clients end badly over TCP, TLS and WebSocket, {@link pier.mqtt.testing.MqttProbe} answers with
 * reason codes. A test-scope dependency only.
 */
module pier.mqtt.testing {
    requires java.net.http;
    requires org.eclipse.paho.mqttv5.client;

    exports pier.mqtt.testing;
}
