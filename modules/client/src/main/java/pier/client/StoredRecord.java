package pier.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A record as read over REST.
 *
 * @param value       the decoded body
 * @param etag        its {@code ETag}, for {@code If-Match} on the next write
 * @param contentType the format it travelled in
 * @param size        its encoded size in bytes
 */
public record StoredRecord(JsonNode value, String etag, String contentType, int size) {
}
