package pier.protocol.http;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import graphql.GraphQL;
import graphql.GraphQLContext;
import graphql.Scalars;
import graphql.execution.CoercedVariables;
import graphql.language.BooleanValue;
import graphql.language.FloatValue;
import graphql.language.IntValue;
import graphql.language.StringValue;
import graphql.schema.Coercing;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.DataFetcher;
import graphql.schema.FieldCoordinates;
import graphql.schema.GraphQLArgument;
import graphql.schema.GraphQLCodeRegistry;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLList;
import graphql.schema.GraphQLNonNull;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLOutputType;
import graphql.schema.GraphQLScalarType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLTypeReference;

import pier.query.Filter;
import pier.query.Limit;
import pier.query.Operator;
import pier.query.Path;
import pier.query.Query;
import pier.query.SortKey;
import pier.query.Value;
import pier.resource.Principal;
import pier.resource.Request;
import pier.resource.Resource;
import pier.resource.ResourceException;
import pier.resource.ResourceRegistry;

/**
 * The GraphQL schema of the exported tables, read from their descriptions: a type per table, its scalar
 * attributes as fields, relationships as fields of the related type; and a query field per table,
 * {@code Dog(name: "Rex", limit: 10, offset: 0, sort: ["-age"]): [Dog]}, whose arguments are equality
 * conditions. Every field is fetched through the resource registry as the caller: the same planner, the
 * same permissions (and withheld attributes) as REST.
 */
final class GraphQlSchema {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> PAGING = Set.of("limit", "offset", "sort");
    private static final Principal SCHEMA_READER = new Principal("graphql-schema", true);

    private final ResourceRegistry resources;
    // table name → the name it is exported under (the registry's, the query field's)
    private final Map<String, String> exported = new HashMap<>();
    private final GraphQLCodeRegistry.Builder code = GraphQLCodeRegistry.newCodeRegistry();
    private final Map<String, GraphQLScalarType> scalars = new HashMap<>();

    private GraphQlSchema(ResourceRegistry resources) {
        this.resources = resources;
    }

    /** Builds the executable schema of what the registry exposes now. */
    static GraphQL of(ResourceRegistry resources) {
        return new GraphQlSchema(resources).build();
    }

    private GraphQL build() {
        Map<String, JsonNode> tables = new HashMap<>();
        for (String name : resources.names()) {
            JsonNode description = resources.find(name).orElseThrow().describe(Request.of(SCHEMA_READER, null));
            if (description.has("attributes") && description.has("primaryKey") && graphQlName(name)
                    && graphQlName(description.path("name").asText())) {
                tables.put(name, description);
                exported.put(description.get("name").asText(), name);
            }
        }
        GraphQLObjectType.Builder query = GraphQLObjectType.newObject().name("Query");
        List<GraphQLObjectType> types = new ArrayList<>();
        tables.forEach((name, description) -> {
            GraphQLObjectType type = type(description);
            types.add(type);
            query.field(GraphQLFieldDefinition.newFieldDefinition().name(name).type(GraphQLList.list(type))
                    .arguments(arguments(type)));
            code.dataFetcher(FieldCoordinates.coordinates("Query", name), list(name));
        });
        if (tables.isEmpty()) {
            // a schema needs one field: say so instead of failing
            query.field(GraphQLFieldDefinition.newFieldDefinition().name("tables").type(Scalars.GraphQLInt));
            code.dataFetcher(FieldCoordinates.coordinates("Query", "tables"), (DataFetcher<Integer>) environment -> 0);
        }
        return GraphQL.newGraphQL(GraphQLSchema.newSchema().query(query.build()).additionalTypes(Set.copyOf(types))
                .codeRegistry(code.build()).build()).build();
    }

    private GraphQLObjectType type(JsonNode description) {
        String typeName = description.get("name").asText();
        GraphQLObjectType.Builder type = GraphQLObjectType.newObject().name(typeName);
        for (JsonNode attribute : description.get("attributes")) {
            String name = attribute.get("name").asText();
            if (!graphQlName(name)) {
                continue;
            }
            JsonNode relationship = attribute.get("relationship");
            if (relationship != null) {
                String target = exported.get(relationship.get("table").asText());
                if (target != null) {
                    GraphQLTypeReference reference = GraphQLTypeReference.typeRef(relationship.get("table").asText());
                    type.field(GraphQLFieldDefinition.newFieldDefinition().name(name).type(relationship.has("to")
                            ? GraphQLList.list(reference) : reference));
                    code.dataFetcher(FieldCoordinates.coordinates(typeName, name), related(target, relationship,
                            description.get("primaryKey").asText()));
                }
                continue;
            }
            GraphQLOutputType fieldType = outputType(attribute.get("type").asText());
            type.field(GraphQLFieldDefinition.newFieldDefinition().name(name).type(
                    name.equals(description.get("primaryKey").asText()) ? GraphQLNonNull.nonNull(fieldType) : fieldType));
        }
        return type.build();
    }

    // the scalar attributes as equality conditions, and paging
    private List<GraphQLArgument> arguments(GraphQLObjectType type) {
        List<GraphQLArgument> arguments = new ArrayList<>();
        type.getFieldDefinitions().forEach(field -> {
            var fieldType = GraphQLNonNull.class.isInstance(field.getType())
                    ? ((GraphQLNonNull) field.getType()).getWrappedType() : field.getType();
            if (fieldType instanceof GraphQLScalarType scalar && !PAGING.contains(field.getName())) {
                arguments.add(GraphQLArgument.newArgument().name(field.getName()).type(scalar).build());
            }
        });
        arguments.add(GraphQLArgument.newArgument().name("limit").type(Scalars.GraphQLInt).build());
        arguments.add(GraphQLArgument.newArgument().name("offset").type(Scalars.GraphQLInt).build());
        arguments.add(GraphQLArgument.newArgument().name("sort").type(GraphQLList.list(Scalars.GraphQLString)).build());
        return arguments;
    }

    private GraphQLOutputType outputType(String schemaType) {
        String type = schemaType.endsWith("!") ? schemaType.substring(0, schemaType.length() - 1) : schemaType;
        if (type.startsWith("[") && type.endsWith("]")) {
            return GraphQLList.list(outputType(type.substring(1, type.length() - 1)));
        }
        return switch (type) {
            case "ID" -> Scalars.GraphQLID;
            case "String" -> Scalars.GraphQLString;
            case "Int" -> Scalars.GraphQLInt;
            case "Float" -> Scalars.GraphQLFloat;
            case "Boolean" -> Scalars.GraphQLBoolean;
            case "Long", "BigInt", "Date", "Bytes" -> scalar(type);
            // Any, and nested object types: their JSON value
            default -> scalar("Any");
        };
    }

    private GraphQLScalarType scalar(String name) {
        return scalars.computeIfAbsent(name, n -> GraphQLScalarType.newScalar().name(n).description(switch (n) {
            case "Long" -> "a 64-bit integer";
            case "BigInt" -> "an integer of any size";
            case "Date" -> "a time, as ISO-8601 text";
            case "Bytes" -> "bytes, as base64 text";
            default -> "any JSON value";
        }).coercing(new Passing(n)).build());
    }

    private DataFetcher<List<Map<String, Object>>> list(String resource) {
        return environment -> {
            Principal principal = environment.getGraphQlContext().get(Principal.class);
            Query query = query(resource, environment.getArguments(), environment.getFieldDefinition());
            try (var records = table(resource).list(Request.of(principal, null).withQuery(query)).records()) {
                return records.map(record -> map(record.value())).toList();
            }
        };
    }

    // owner (from: ownerId): the record the source's ownerId names; dogs (to: ownerId): the records that name it
    private DataFetcher<Object> related(String target, JsonNode relationship, String primaryKey) {
        return environment -> {
            Principal principal = environment.getGraphQlContext().get(Principal.class);
            Map<String, Object> source = environment.getSource();
            if (relationship.has("from")) {
                Object key = source.get(relationship.get("from").asText());
                if (key == null) {
                    return null;
                }
                try {
                    return map(table(target).get(Request.of(principal, String.valueOf(key))).value());
                } catch (ResourceException e) {
                    if (e.kind() == ResourceException.Kind.NOT_FOUND) {
                        return null;
                    }
                    throw e;
                }
            }
            String to = relationship.get("to").asText();
            Query query = new Query(Optional.of(equality(to, JSON.valueToTree(source.get(primaryKey)))),
                    Optional.empty(), List.of(), Optional.empty(), to + "==" + source.get(primaryKey));
            try (var records = table(target).list(Request.of(principal, null).withQuery(query)).records()) {
                return records.map(record -> map(record.value())).toList();
            }
        };
    }

    private Query query(String resource, Map<String, Object> arguments, GraphQLFieldDefinition field) {
        List<Filter> conditions = new ArrayList<>();
        List<String> text = new ArrayList<>();
        arguments.forEach((name, value) -> {
            if (!PAGING.contains(name) && value != null) {
                conditions.add(equality(name, argument(value, field.getArgument(name).getType())));
                text.add(name + "==" + value);
            }
        });
        List<SortKey> sort = new ArrayList<>();
        if (arguments.get("sort") instanceof List<?> keys) {
            keys.forEach(key -> sort.add(new SortKey(new Path(List.of(String.valueOf(key).replaceFirst("^-", "")
                    .split("\\.")), 0), String.valueOf(key).startsWith("-"))));
        }
        Optional<Limit> limit = arguments.get("limit") instanceof Integer count
                ? Optional.of(new Limit(arguments.get("offset") instanceof Integer offset ? offset : 0, count))
                : Optional.empty();
        return new Query(conditions.isEmpty() ? Optional.empty() : Optional.of(conditions.size() == 1
                ? conditions.getFirst() : new Filter.And(conditions)), Optional.empty(), sort, limit,
                resource + "(" + String.join(", ", text) + ")");
    }

    // a Date argument is compared as a date is: milliseconds since 1970
    private static JsonNode argument(Object value, graphql.schema.GraphQLInputType type) {
        if (type instanceof GraphQLScalarType scalar && scalar.getName().equals("Date")) {
            try {
                return JSON.getNodeFactory().numberNode(java.time.Instant.parse(String.valueOf(value)).toEpochMilli());
            } catch (java.time.format.DateTimeParseException e) {
                throw ResourceException.badRequest("a Date argument is ISO-8601 text, not " + value, null);
            }
        }
        return JSON.valueToTree(value);
    }

    private static Filter equality(String attribute, JsonNode value) {
        return new Filter.Comparison(new Path(List.of(attribute), 0), Operator.EQUAL, Value.typed(value));
    }

    private Resource table(String name) {
        return resources.find(name).orElseThrow(() -> ResourceException.notFound("no resource /" + name));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(JsonNode value) {
        return JSON.convertValue(value, Map.class);
    }

    private static boolean graphQlName(String name) {
        return name.matches("[_A-Za-z][_0-9A-Za-z]*") && !name.startsWith("__");
    }

    /** A scalar whose values pass as JSON gives them (bytes as base64); literals as GraphQL writes them. */
    private record Passing(String name) implements Coercing<Object, Object> {
        @Override
        public Object serialize(Object value, GraphQLContext context, Locale locale) {
            return value instanceof byte[] bytes ? Base64.getEncoder().encodeToString(bytes) : value;
        }

        @Override
        public Object parseValue(Object value, GraphQLContext context, Locale locale) {
            return value;
        }

        @Override
        public Object parseLiteral(graphql.language.Value<?> literal, CoercedVariables variables, GraphQLContext context,
                                   Locale locale) {
            return switch (literal) {
                case StringValue text -> text.getValue();
                case IntValue number -> number.getValue();
                case FloatValue number -> new BigDecimal(number.getValue().toString());
                case BooleanValue flag -> flag.isValue();
                default -> throw new CoercingParseLiteralException(name + " takes a string, number or boolean literal");
            };
        }
    }
}
