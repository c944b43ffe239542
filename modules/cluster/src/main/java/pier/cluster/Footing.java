package pier.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;

/**
 * What a cluster stands on in NATS: its two streams and the bucket with its schema. Whichever node comes
 * first makes them; the others find them, and must serve the schema the bucket holds.
 */
final class Footing {

    private static final int STREAM_NOT_FOUND = 10059;
    private static final int KEY_EXISTS = 10071;
    private static final Duration DUPLICATE_WINDOW = Duration.ofMinutes(2);

    private final Connection nats;
    private final ClusterSettings settings;

    Footing(Connection nats, ClusterSettings settings) {
        this.nats = nats;
        this.settings = settings;
    }

    /**
     * Makes or finds the streams and the bucket, and compares schemas.
     *
     * @param schema this node's schema, line by line
     * @throws ClusterException with a cause when NATS failed (worth another try), without one when the
     *                          schema is not the cluster's
     */
    void lay(List<String> schema) {
        try {
            JetStreamManagement streams = nats.jetStreamManagement();
            ensureStream(streams, Names.CHANGES, Names.CHANGES_SUBJECTS, settings.changeRetention());
            ensureStream(streams, Names.MESSAGES, Names.MESSAGES_SUBJECTS, settings.messageRetention());
            checkSchema(schema);
        } catch (IOException | JetStreamApiException e) {
            throw new ClusterException("cannot set up the cluster's streams: " + Problems.message(e), e);
        }
    }

    private void ensureStream(JetStreamManagement streams, String name, String subjects, Duration maxAge)
            throws IOException, JetStreamApiException {
        try {
            streams.getStreamInfo(name);
            return;
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                throw e;
            }
        }
        try {
            streams.addStream(StreamConfiguration.builder().name(name).subjects(subjects)
                    .replicas(settings.replicas()).storageType(StorageType.File)
                    .retentionPolicy(RetentionPolicy.Limits).discardPolicy(DiscardPolicy.Old).maxAge(maxAge)
                    .duplicateWindow(maxAge.compareTo(DUPLICATE_WINDOW) < 0 ? maxAge : DUPLICATE_WINDOW).build());
        } catch (JetStreamApiException e) {
            // made by another node a moment ago
            streams.getStreamInfo(name);
        }
    }

    private void checkSchema(List<String> mine) throws IOException, JetStreamApiException {
        try {
            nats.keyValueManagement().getStatus(Names.BUCKET);
        } catch (JetStreamApiException e) {
            try {
                nats.keyValueManagement().create(KeyValueConfiguration.builder().name(Names.BUCKET)
                        .replicas(settings.replicas()).storageType(StorageType.File).build());
            } catch (JetStreamApiException made) {
                nats.keyValueManagement().getStatus(Names.BUCKET);
            }
        }
        KeyValue bucket = nats.keyValue(Names.BUCKET);
        try {
            bucket.create(Names.SCHEMA_KEY, String.join("\n", mine).getBytes(StandardCharsets.UTF_8));
            return;
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != KEY_EXISTS) {
                throw e;
            }
        }
        KeyValueEntry entry = bucket.get(Names.SCHEMA_KEY);
        List<String> theirs = entry == null ? mine
                : Arrays.asList(new String(entry.getValue(), StandardCharsets.UTF_8).split("\n"));
        if (!theirs.equals(mine)) {
            throw new ClusterException("this node's schema is not the cluster's: " + difference(mine, theirs));
        }
    }

    private static String difference(List<String> mine, List<String> theirs) {
        List<String> onlyHere = mine.stream().filter(line -> !theirs.contains(line)).toList();
        List<String> onlyThere = theirs.stream().filter(line -> !mine.contains(line)).toList();
        return (onlyHere.isEmpty() ? "" : "only here: " + String.join("; ", onlyHere))
                + (onlyHere.isEmpty() || onlyThere.isEmpty() ? "" : " — ")
                + (onlyThere.isEmpty() ? "" : "only in the cluster: " + String.join("; ", onlyThere));
    }
}
