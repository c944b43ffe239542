package pier.security;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import pier.resource.Permission;
import pier.resource.ResourceException;

/**
 * What the users holding a role may do. As JSON:
 * <pre>{"superUser": false,
 *  "tables": {"Dog": ["read", "insert", "update", "delete"]},
 *  "topics": [{"filter": "sensors/#", "publish": true, "subscribe": true},
 *             {"filter": "devices/%c/#", "publish": true}]}</pre>
 * Table names include custom resources; topic filters apply to plain topics (records are governed by
 * their table), with {@code %u} for the user name and {@code %c} for the MQTT client id.
 *
 * @param name      the role's name
 * @param superUser whether every permission is granted
 * @param tables    the permissions per table or custom resource
 * @param topics    the plain topics its users may publish to or subscribe to
 */
public record Role(String name, boolean superUser, Map<String, Set<Permission>> tables, List<TopicGrant> topics) {

    /** The role of the first user, {@code admin}: everything. */
    public static final String ADMIN = "admin";

    /**
     * Plain topics a role may use.
     *
     * @param filter    an MQTT topic filter, with {@code %u} and {@code %c}
     * @param publish   whether its users may publish to the topics it matches
     * @param subscribe whether its users may subscribe to filters it covers
     */
    public record TopicGrant(String filter, boolean publish, boolean subscribe) {
    }

    public Role {
        tables = Map.copyOf(tables);
        topics = List.copyOf(topics);
    }

    boolean allows(String table, Permission permission) {
        return superUser || tables.getOrDefault(table, Set.of()).contains(permission);
    }

    /**
     * Reads a role from its JSON form.
     *
     * @throws ResourceException {@code BAD_REQUEST} naming what is wrong
     */
    public static Role fromJson(String name, JsonNode json) {
        if (!json.isObject()) {
            throw ResourceException.badRequest("a role is a JSON object", null);
        }
        Map<String, Set<Permission>> tables = new LinkedHashMap<>();
        json.path("tables").properties().forEach(entry -> {
            Set<Permission> permissions = EnumSet.noneOf(Permission.class);
            if (!entry.getValue().isArray()) {
                throw ResourceException.badRequest("tables." + entry.getKey() + " is a list such as [\"read\"]",
                        "tables." + entry.getKey());
            }
            entry.getValue().forEach(word -> permissions.add(permission(word.asText(), entry.getKey())));
            tables.put(entry.getKey(), permissions);
        });
        List<TopicGrant> topics = new ArrayList<>();
        int index = 0;
        for (JsonNode grant : json.path("topics")) {
            String filter = grant.path("filter").asText("");
            if (filter.isEmpty()) {
                throw ResourceException.badRequest("topics[" + index + "] needs a filter", "topics[" + index + "]");
            }
            topics.add(new TopicGrant(filter, grant.path("publish").asBoolean(), grant.path("subscribe").asBoolean()));
            index++;
        }
        return new Role(name, json.path("superUser").asBoolean(), tables, topics);
    }

    /** The role as JSON, as {@link #fromJson} reads it. */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode().put("name", name).put("superUser", superUser);
        ObjectNode tableNode = json.putObject("tables");
        tables.forEach((table, permissions) -> {
            ArrayNode words = tableNode.putArray(table);
            permissions.forEach(p -> words.add(p.name().toLowerCase(Locale.ROOT)));
        });
        ArrayNode topicNode = json.putArray("topics");
        topics.forEach(t -> topicNode.addObject().put("filter", t.filter()).put("publish", t.publish())
                .put("subscribe", t.subscribe()));
        return json;
    }

    private static Permission permission(String word, String table) {
        try {
            return Permission.valueOf(word.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ResourceException.badRequest("unknown permission '" + word + "' for " + table
                    + " (read, insert, update, delete)", "tables." + table);
        }
    }
}
