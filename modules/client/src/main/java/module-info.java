/**
 * A Java client of Pier's public protocols: REST for tables and records, MQTT 5 over WebSocket for live
 * subscriptions and publishing. It never links server classes; the studio, tests and benchmarks use it.
 */
module pier.client {
    requires transitive com.fasterxml.jackson.databind;
    requires java.net.http;
    requires pier.codec;
    requires org.eclipse.paho.mqttv5.client;

    exports pier.client;
}
