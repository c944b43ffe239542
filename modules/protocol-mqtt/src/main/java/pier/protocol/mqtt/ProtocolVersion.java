package pier.protocol.mqtt;

import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttProperties;

/**
 * What differs between MQTT 3.1 (level 3), 3.1.1 (4) and 5 in what the server answers, in one place:
 * version 5 has reason codes and properties where the older versions have a few return codes or
 * nothing at all.
 */
record ProtocolVersion(int level) {

    /** Before CONNECT names one, and for CONNECTs the decoder could not read: answered as 3.1.1. */
    static final ProtocolVersion UNKNOWN = new ProtocolVersion(4);

    boolean v5() {
        return level == 5;
    }

    /** MQTT 3.1 always, and 3.1.1 for a session to resume, need the client to name itself. */
    boolean needsClientId(boolean cleanStart) {
        return level == 3 || level == 4 && !cleanStart;
    }

    MqttConnectReturnCode notAuthorized() {
        return v5() ? MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5
                : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED;
    }

    MqttConnectReturnCode badCredentials() {
        return v5() ? MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USERNAME_OR_PASSWORD
                : MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD;
    }

    MqttConnectReturnCode quotaExceeded() {
        return v5() ? MqttConnectReturnCode.CONNECTION_REFUSED_QUOTA_EXCEEDED
                : MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE;
    }

    /** An address that failed to log in too often. */
    MqttConnectReturnCode rateExceeded() {
        return v5() ? MqttConnectReturnCode.CONNECTION_REFUSED_CONNECTION_RATE_EXCEEDED
                : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED;
    }

    /** A SUBACK entry for a refused filter: the v5 reason, or the one failure code 0x80 before. */
    int subscribeFailure(byte reason) {
        return v5() ? reason & 0xff : 0x80;
    }

    /** The reason code of a PUBACK, PUBREC, PUBREL or PUBCOMP: success alone before v5. */
    byte ackReason(byte reason) {
        return v5() ? reason : ReasonCodes.NORMAL;
    }

    /** A reason string, which only v5 packets carry. */
    MqttProperties reasonString(String why) {
        MqttProperties properties = new MqttProperties();
        if (v5()) {
            properties.add(new MqttProperties.StringProperty(MqttProperties.REASON_STRING, why));
        }
        return properties;
    }
}
