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
 *  "tables": {"Dog": ["read", "insert", "update", "delete"],
 *             "Owner": {"read": true, "update": true, "attributes": {"chip": {"read": false, "update": false}}}},
 *  "topics": [{"filter": "sensors/#", "publish": true, "subscribe": true},
 *             {"filter": "devices/%c/#", "publish": true}]}</pre>
 * Table names include custom resources; topic filters apply to plain topics (records are governed by
 * their table), with {@code %u} for the user name and {@code %c} for the MQTT client id. A table's
 * object form may withhold permissions on chosen attributes: {@code read: false} hides the attribute
 * from every read, subscriptions included; {@code insert}/{@code update: false} (or {@code write:
 * false} for both) refuses writes that carry it.
 *
 * @param name       the role's name
 * @param superUser  whether every permission is granted
 * @param tables     the permissions per table or custom resource
 * @param attributes per table, per attribute, the permissions withheld
 * @param topics     the plain topics its users may publish to or subscribe to
 */
public record Role(String name, boolean superUser, Map<String, Set<Permission>> tables,
                   Map<String, Map<String, Set<Permission>>> attributes, List<TopicGrant> topics) {

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
        attributes = Map.copyOf(attributes);
        topics = List.copyOf(topics);
    }

    boolean allows(String table, Permission permission) {
        return superUser || tables.getOrDefault(table, Set.of()).contains(permission);
    }

    /** The attributes of a table this role withholds a permission on (when it grants it on the table). */
    Set<String> withheld(String table, Permission permission) {
        Map<String, Set<Permission>> rules = attributes.get(table);
        if (rules == null) {
            return Set.of();
        }
        Set<String> names = new java.util.HashSet<>();
        rules.forEach((attribute, denied) -> {
            if (denied.contains(permission)) {
                names.add(attribute);
            }
        });
        return names;
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
        Map<String, Map<String, Set<Permission>>> attributes = new LinkedHashMap<>();
        json.path("tables").properties().forEach(entry -> {
            String at = "tables." + entry.getKey();
            if (entry.getValue().isArray()) {
                Set<Permission> permissions = EnumSet.noneOf(Permission.class);
                entry.getValue().forEach(word -> permissions.add(permission(word.asText(), entry.getKey())));
                tables.put(entry.getKey(), permissions);
            } else if (entry.getValue().isObject()) {
                tables.put(entry.getKey(), flags(entry.getValue(), at, true));
                Map<String, Set<Permission>> withheld = new LinkedHashMap<>();
                entry.getValue().path("attributes").properties().forEach(attribute -> withheld.put(attribute.getKey(),
                        EnumSet.complementOf(flags(attribute.getValue(), at + ".attributes." + attribute.getKey(),
                                false))));
                attributes.put(entry.getKey(), withheld);
            } else {
                throw ResourceException.badRequest(at + " is a list such as [\"read\"] or an object such as "
                        + "{\"read\": true, \"attributes\": {\"chip\": {\"read\": false}}}", at);
            }
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
        return new Role(name, json.path("superUser").asBoolean(), tables, attributes, topics);
    }

    // {"read": true, "insert": false, ...}; what is not said is false for a table, true for an attribute
    // (which only withholds); "write" stands for insert and update
    private static EnumSet<Permission> flags(JsonNode object, String at, boolean table) {
        EnumSet<Permission> granted = table ? EnumSet.noneOf(Permission.class) : EnumSet.allOf(Permission.class);
        for (var flag : object.properties()) {
            if (flag.getKey().equals("attributes") && table) {
                continue;
            }
            if (!flag.getValue().isBoolean()) {
                throw ResourceException.badRequest(at + "." + flag.getKey() + " is true or false", at + "." + flag.getKey());
            }
            List<Permission> named = flag.getKey().equals("write") && !table
                    ? List.of(Permission.INSERT, Permission.UPDATE) : List.of(permission(flag.getKey(), at));
            if (flag.getValue().asBoolean()) {
                granted.addAll(named);
            } else {
                named.forEach(granted::remove);
            }
        }
        return granted;
    }

    /** The role as JSON, as {@link #fromJson} reads it. */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode().put("name", name).put("superUser", superUser);
        ObjectNode tableNode = json.putObject("tables");
        tables.forEach((table, permissions) -> {
            if (!attributes.containsKey(table)) {
                ArrayNode words = tableNode.putArray(table);
                permissions.forEach(p -> words.add(p.name().toLowerCase(Locale.ROOT)));
                return;
            }
            ObjectNode object = tableNode.putObject(table);
            permissions.forEach(p -> object.put(p.name().toLowerCase(Locale.ROOT), true));
            ObjectNode rules = object.putObject("attributes");
            attributes.get(table).forEach((attribute, withheld) -> {
                ObjectNode rule = rules.putObject(attribute);
                withheld.forEach(p -> rule.put(p.name().toLowerCase(Locale.ROOT), false));
            });
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
