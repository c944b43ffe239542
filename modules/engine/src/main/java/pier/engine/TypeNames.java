package pier.engine;

/** Attribute types written back in schema syntax, for descriptions. */
final class TypeNames {

    private TypeNames() {
    }

    static String of(AttributeType type) {
        String name = switch (type) {
            case AttributeType.Scalar scalar -> scalar.kind().schemaName();
            case AttributeType.ListOf list -> "[" + of(list.element()) + "]";
            case AttributeType.ObjectOf object -> object.name();
            case AttributeType.Joined joined -> joined.many() ? "[" + joined.table() + "]" : joined.table();
        };
        return type.required() ? name + "!" : name;
    }
}
