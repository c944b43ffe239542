package pier.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import graphql.language.Argument;
import graphql.language.BooleanValue;
import graphql.language.Directive;
import graphql.language.DirectivesContainer;
import graphql.language.FieldDefinition;
import graphql.language.IntValue;
import graphql.language.ListType;
import graphql.language.Node;
import graphql.language.NonNullType;
import graphql.language.ObjectTypeDefinition;
import graphql.language.StringValue;
import graphql.language.Type;
import graphql.language.TypeName;
import graphql.language.Value;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import graphql.schema.idl.errors.SchemaProblem;

import pier.resource.Exposure;

/**
 * The tables a schema file defines, in the reference system's subset of GraphQL SDL: object types
 * marked {@code @table}, their attributes and directives. Parsing is graphql-java's; this class only
 * interprets the result, collecting every problem with its position before failing.
 */
public final class Schema {

    private final List<TableDefinition> tables;

    private Schema(List<TableDefinition> tables) {
        this.tables = List.copyOf(tables);
    }

    /**
     * Reads a schema.
     *
     * @param source a name for messages (the file name)
     * @param text   the SDL text
     * @return the schema
     * @throws SchemaException listing every problem with line and column
     */
    public static Schema parse(String source, String text) {
        TypeDefinitionRegistry registry;
        try {
            registry = new SchemaParser().parse(text);
        } catch (SchemaProblem e) {
            throw new SchemaException(source, e.getErrors().stream().map(error -> error.getLocations().isEmpty()
                    ? error.getMessage()
                    : error.getLocations().getFirst().getLine() + ":" + error.getLocations().getFirst().getColumn()
                    + ": " + error.getMessage()).toList());
        }
        return new Reader(source, registry).read();
    }

    List<TableDefinition> tables() {
        return tables;
    }

    /**
     * The names under which tables are exported.
     *
     * @return the export names, in schema order
     */
    public List<String> exportedNames() {
        return tables.stream().flatMap(t -> t.exportName().stream()).toList();
    }

    /** Interprets one parsed schema, collecting problems. */
    private static final class Reader {
        // what Pier implements, with the arguments each directive takes; anything else is refused, never ignored
        private static final Map<String, Set<String>> TYPE_DIRECTIVES = Map.of("table", Set.of("table",
                "expiration", "audit"), "export", Set.of("name", "rest", "mqtt"), "sealed", Set.of());
        private static final Map<String, Set<String>> ATTRIBUTE_DIRECTIVES = Map.of("primaryKey", Set.of(),
                "indexed", Set.of(), "createdTime", Set.of(), "updatedTime", Set.of(), "expiresAt", Set.of(),
                "relationship", Set.of("from", "to"), "computed", Set.of("from", "function"));
        private static final Map<Attribute.Role, String> TIME_DIRECTIVES = Map.of(Attribute.Role.CREATED_TIME,
                "createdTime", Attribute.Role.UPDATED_TIME, "updatedTime", Attribute.Role.EXPIRES_AT, "expiresAt");

        private final String source;
        private final TypeDefinitionRegistry registry;
        // a nested type is read once per attribute that uses it: each problem is said once
        private final Set<String> problems = new LinkedHashSet<>();

        Reader(String source, TypeDefinitionRegistry registry) {
            this.source = source;
            this.registry = registry;
        }

        Schema read() {
            List<TableDefinition> tables = new ArrayList<>();
            for (ObjectTypeDefinition type : registry.getTypes(ObjectTypeDefinition.class)) {
                supported(type, TYPE_DIRECTIVES, "types");
                type.getFieldDefinitions().forEach(field -> supported(field, ATTRIBUTE_DIRECTIVES, "attributes"));
            }
            for (ObjectTypeDefinition type : registry.getTypes(ObjectTypeDefinition.class)) {
                if (type.hasDirective("table")) {
                    table(type).ifPresent(tables::add);
                }
            }
            tables.forEach(table -> related(table, tables));
            if (!problems.isEmpty()) {
                throw new SchemaException(source, List.copyOf(problems));
            }
            return new Schema(tables);
        }

        private void supported(DirectivesContainer<?> node, Map<String, Set<String>> known, String where) {
            for (Directive directive : node.getDirectives()) {
                Set<String> arguments = known.get(directive.getName());
                if (arguments == null) {
                    problem(directive, "@" + directive.getName() + " is not supported on " + where + "; Pier "
                            + "implements " + describe(known));
                    continue;
                }
                for (Argument argument : directive.getArguments()) {
                    if (!arguments.contains(argument.getName())) {
                        problem(argument, "@" + directive.getName() + "(" + argument.getName() + ":) is not supported; "
                                + (arguments.isEmpty() ? "@" + directive.getName() + " takes no arguments"
                                : "it takes " + arguments.stream().sorted().map(a -> a + ":").toList()));
                    }
                }
            }
        }

        private static String describe(Map<String, Set<String>> known) {
            return known.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(e -> "@" + e.getKey() + (e.getValue().isEmpty() ? ""
                            : "(" + String.join(", ", e.getValue().stream().sorted().map(a -> a + ":").toList()) + ")"))
                    .collect(java.util.stream.Collectors.joining(", "));
        }

        private Optional<TableDefinition> table(ObjectTypeDefinition type) {
            String name = stringArgument(type, "table", "table").orElse(type.getName());
            Optional<TableDefinition.Export> export = type.hasDirective("export")
                    ? Optional.of(export(type, name)) : Optional.empty();
            Optional<Duration> expiration = intArgument(type, "table", "expiration").map(Duration::ofSeconds);
            Map<String, Attribute> attributes = attributes(type, 0);
            List<Attribute> keys = attributes.values().stream()
                    .filter(a -> a.role() == Attribute.Role.PRIMARY_KEY).toList();
            if (keys.size() != 1) {
                problem(type, "type " + type.getName() + " needs exactly one @primaryKey attribute, has " + keys.size());
                return Optional.empty();
            }
            if (!(keys.getFirst().type() instanceof AttributeType.Scalar key) || !List.of(AttributeType.Kind.ID,
                    AttributeType.Kind.STRING, AttributeType.Kind.INT, AttributeType.Kind.LONG).contains(key.kind())) {
                problem(type, "the primary key of " + type.getName() + " must be ID, String, Int or Long");
                return Optional.empty();
            }
            return Optional.of(new TableDefinition(name, export, attributes, keys.getFirst(),
                    type.hasDirective("sealed"), expiration, booleanArgument(type, "table", "audit").orElse(false)));
        }

        private void related(TableDefinition table, List<TableDefinition> tables) {
            table.attributes().values().forEach(attribute -> {
                if (attribute.type() instanceof AttributeType.Joined joined) {
                    TableDefinition target = tables.stream().filter(t -> t.name().equals(joined.table())).findFirst()
                            .orElse(null);
                    if (target == null) {
                        return; // the related type has problems of its own, said already
                    }
                    joined.from().filter(from -> !table.attributes().containsKey(from)).ifPresent(from -> problems.add(
                            table.name() + "." + attribute.name() + ": @relationship(from: \"" + from + "\") names no "
                                    + "attribute of " + table.name()));
                    joined.to().filter(to -> !target.attributes().containsKey(to)).ifPresent(to -> problems.add(
                            table.name() + "." + attribute.name() + ": @relationship(to: \"" + to + "\") names no "
                                    + "attribute of " + target.name()));
                }
            });
        }

        private TableDefinition.Export export(ObjectTypeDefinition type, String table) {
            Set<Exposure> on = EnumSet.noneOf(Exposure.class);
            if (booleanArgument(type, "export", "rest").orElse(true)) {
                on.add(Exposure.REST);
            }
            if (booleanArgument(type, "export", "mqtt").orElse(true)) {
                on.add(Exposure.MQTT);
            }
            return new TableDefinition.Export(stringArgument(type, "export", "name").orElse(table), on);
        }

        private Map<String, Attribute> attributes(ObjectTypeDefinition type, int depth) {
            Map<String, Attribute> attributes = new LinkedHashMap<>();
            for (FieldDefinition field : type.getFieldDefinitions()) {
                Attribute.Role role = field.hasDirective("primaryKey") ? Attribute.Role.PRIMARY_KEY
                        : field.hasDirective("createdTime") ? Attribute.Role.CREATED_TIME
                        : field.hasDirective("updatedTime") ? Attribute.Role.UPDATED_TIME
                        : field.hasDirective("expiresAt") ? Attribute.Role.EXPIRES_AT : Attribute.Role.PLAIN;
                boolean indexed = field.hasDirective("indexed");
                if (field.hasDirective("relationship")) {
                    relationship(field, depth).ifPresent(joined -> attributes.put(field.getName(),
                            new Attribute(field.getName(), joined, Attribute.Role.PLAIN, false)));
                    continue;
                }
                attributeType(field, field.getType(), depth).ifPresent(attributeType -> {
                    if (TIME_DIRECTIVES.containsKey(role) && (depth > 0 || !time(attributeType))) {
                        problem(field, "@" + TIME_DIRECTIVES.get(role) + " on " + field.getName()
                                + ": a time is a table's own attribute of type Date, Long or Float");
                    }
                    if (indexed && (depth > 0 || objects(attributeType))) {
                        problem(field, "@indexed on " + field.getName() + ": only a table's own attributes of scalar "
                                + "or list-of-scalar type can be indexed");
                    }
                    attributes.put(field.getName(), new Attribute(field.getName(), attributeType, role, indexed,
                            computed(field, depth)));
                });
            }
            return attributes;
        }

        // total: Float @computed(from: "price * (1 + tax)")
        private Optional<Expression> computed(FieldDefinition field, int depth) {
            if (!field.hasDirective("computed")) {
                return Optional.empty();
            }
            Optional<String> from = stringArgument(field, "computed", "from");
            Optional<String> function = stringArgument(field, "computed", "function");
            if (from.isPresent() == function.isPresent() || depth > 0) {
                problem(field, "@computed on " + field.getName() + ": a table's own attribute, with from: an "
                        + "expression such as \"price * (1 + tax)\", or function: the name of a plugin's function");
                return Optional.empty();
            }
            if (function.isPresent()) {
                return Optional.of(new Expression.Call(function.get(), new java.util.concurrent.atomic.AtomicReference<>()));
            }
            try {
                return Optional.of(Expression.parse(from.get()));
            } catch (IllegalArgumentException e) {
                problem(field.getDirectives("computed").getFirst(), "@computed(from:) of " + field.getName() + ": "
                        + e.getMessage());
                return Optional.empty();
            }
        }

        // owner: Owner @relationship(from: "ownerId"), dogs: [Dog] @relationship(to: "ownerId")
        private Optional<AttributeType.Joined> relationship(FieldDefinition field, int depth) {
            Type<?> type = field.getType() instanceof NonNullType required ? required.getType() : field.getType();
            boolean many = type instanceof ListType;
            Type<?> element = many ? ((ListType) type).getType() : type;
            element = element instanceof NonNullType required ? required.getType() : element;
            Optional<ObjectTypeDefinition> target = element instanceof TypeName name
                    ? registry.getType(name.getName(), ObjectTypeDefinition.class).filter(t -> t.hasDirective("table"))
                    : Optional.empty();
            Optional<String> from = stringArgument(field, "relationship", "from");
            Optional<String> to = stringArgument(field, "relationship", "to");
            if (depth > 0 || target.isEmpty()) {
                problem(field, "@relationship on " + field.getName() + ": a table's own attribute whose type is "
                        + "another table (or a list of one)");
                return Optional.empty();
            }
            if (from.isPresent() == to.isPresent() || from.isPresent() == many) {
                problem(field, "@relationship on " + field.getName() + " takes from: (one record, type "
                        + target.get().getName() + ") or to: (many, type [" + target.get().getName() + "])");
                return Optional.empty();
            }
            return Optional.of(new AttributeType.Joined(stringArgument(target.get(), "table", "table")
                    .orElse(target.get().getName()), from, to));
        }

        private Optional<AttributeType> attributeType(FieldDefinition field, Type<?> type, int depth) {
            boolean required = type instanceof NonNullType;
            Type<?> inner = required ? ((NonNullType) type).getType() : type;
            if (inner instanceof ListType list) {
                return attributeType(field, list.getType(), depth).map(e -> new AttributeType.ListOf(e, required));
            }
            String typeName = ((TypeName) inner).getName();
            Optional<AttributeType.Kind> scalar = AttributeType.Kind.named(typeName);
            if (scalar.isPresent()) {
                return Optional.of(new AttributeType.Scalar(scalar.get(), required));
            }
            Optional<ObjectTypeDefinition> nested = registry.getType(typeName, ObjectTypeDefinition.class);
            if (nested.isEmpty() || depth > 16) {
                problem(field, "attribute " + field.getName() + " has unknown type " + typeName);
                return Optional.empty();
            }
            return Optional.of(new AttributeType.ObjectOf(typeName, attributes(nested.get(), depth + 1),
                    nested.get().hasDirective("sealed"), required));
        }

        private Optional<String> stringArgument(DirectivesContainer<?> node, String directive, String argument) {
            return argument(node, directive, argument, "a string",
                    value -> value instanceof StringValue text ? text.getValue() : null);
        }

        private Optional<Long> intArgument(DirectivesContainer<?> node, String directive, String argument) {
            return argument(node, directive, argument, "a positive whole number",
                    value -> value instanceof IntValue number && number.getValue().signum() > 0
                            && number.getValue().bitLength() < 40 ? number.getValue().longValue() : null);
        }

        private Optional<Boolean> booleanArgument(DirectivesContainer<?> node, String directive, String argument) {
            return argument(node, directive, argument, "true or false",
                    value -> value instanceof BooleanValue flag ? flag.isValue() : null);
        }

        // read gives null for a value of the wrong kind, which is a problem at the argument
        private <T> Optional<T> argument(DirectivesContainer<?> node, String directive, String argument,
                                         String expected, java.util.function.Function<Value<?>, T> read) {
            for (Directive d : node.getDirectives(directive)) {
                Argument value = d.getArgument(argument);
                if (value != null) {
                    T given = read.apply(value.getValue());
                    if (given != null) {
                        return Optional.of(given);
                    }
                    problem(value, "@" + directive + "(" + argument + ":) must be " + expected);
                }
            }
            return Optional.empty();
        }

        private static boolean time(AttributeType type) {
            return type instanceof AttributeType.Scalar scalar && Set.of(AttributeType.Kind.DATE,
                    AttributeType.Kind.LONG, AttributeType.Kind.FLOAT).contains(scalar.kind());
        }

        private static boolean objects(AttributeType type) {
            return type instanceof AttributeType.ObjectOf
                    || type instanceof AttributeType.ListOf list && objects(list.element());
        }

        private void problem(Node<?> node, String message) {
            var location = node.getSourceLocation();
            problems.add(location == null ? message : location.getLine() + ":" + location.getColumn() + ": " + message);
        }
    }
}
