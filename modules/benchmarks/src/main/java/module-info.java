/**
 * JMH benchmarks of query evaluation and index scans, for comparing changes, and load tools that measure
 * a running server (the store's scale, MQTT against Mosquitto). Build with
 * {@code mvn -pl modules/benchmarks -am package} and run {@code java -jar modules/benchmarks/target/benchmarks.jar}.
 */
module pier.benchmarks {
    requires pier.engine;
    requires pier.query;
    requires pier.store;
    requires jmh.core;
    requires java.net.http;
    requires jdk.management;
    requires com.hivemq.client.mqtt;

    exports pier.benchmarks;
}
