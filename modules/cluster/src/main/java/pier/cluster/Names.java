package pier.cluster;

/** The streams, subjects and bucket a cluster uses in NATS. */
final class Names {

    /** Every node's changes, in the one order all nodes apply them in. */
    static final String CHANGES = "PIER_CHANGES";
    static final String CHANGES_SUBJECTS = "pier.changes.>";
    /** Messages no table keeps, QoS 1 and 2 (and retained plain topics): kept for a short while. */
    static final String MESSAGES = "PIER_MESSAGES";
    static final String MESSAGES_SUBJECTS = "pier.messages.>";
    /** Messages no table keeps, QoS 0: core NATS, not kept at all. */
    static final String FLEETING_PREFIX = "pier.fleeting.";
    /** What every node must agree on: the schema. */
    static final String BUCKET = "PIER_CLUSTER";
    static final String SCHEMA_KEY = "schema";
    /** Where a node that starts over asks for a peer's position, and then for pages of that peer. */
    static final String SNAPSHOT_ANY = "pier.snapshot.any";
    static final String SNAPSHOT_QUEUE = "pier-snapshot";
    /** The header naming the node a message comes from. */
    static final String ORIGIN = "Pier-Origin";

    private Names() {
    }

    // what a NATS message has room for besides the body: subject, headers, protocol
    private static final int ENVELOPE = 1_024;

    /** Whether a body fits in one message of the servers this connection is on. */
    static boolean fits(io.nats.client.Connection nats, byte[] body) {
        return body.length + ENVELOPE <= nats.getMaxPayload();
    }

    static String changes(String node) {
        return "pier.changes." + node;
    }

    static String messages(String channel) {
        return "pier.messages." + channel;
    }

    static String snapshotOf(String node) {
        return "pier.snapshot." + node;
    }
}
