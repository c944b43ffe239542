package pier.engine;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SchemaTest {

    @Test
    void readsTablesExportsAndDirectives() {
        Schema schema = Schema.parse("test", TestDatabase.SCHEMA);
        assertThat(schema.exportedNames(), contains("Dog", "Count"));
        TableDefinition counter = schema.tables().get(1);
        assertThat(counter.name(), is("counters"));
        assertThat(counter.sealed(), is(true));
        assertThat(counter.keyKind(), is(AttributeType.Kind.INT));
        TableDefinition dog = schema.tables().getFirst();
        assertThat(dog.attributes().get("name").indexed(), is(true));
        assertThat(TypeNames.of(dog.attributes().get("tags").type()), is("[String]"));
        assertThat(dog.attributes().get("owner").type() instanceof AttributeType.ObjectOf owner
                && owner.attributes().get("name").type().required(), is(true));
        assertThat(dog.withRole(Attribute.Role.CREATED_TIME).orElseThrow().name(), is("created"));
    }

    @Test
    void syntaxErrorsCarryLineAndColumn() {
        SchemaException e = assertThrows(SchemaException.class, () -> Schema.parse("bad.graphql", """
                type Dog @table {
                  id: ID @primaryKey
                  name: [String
                }
                """));
        assertThat(e.getMessage(), containsString("schema bad.graphql"));
        assertThat(e.getMessage(), containsString("3:9:"));
    }

    @Test
    void everyMeaningProblemIsReportedWithItsLine() {
        SchemaException e = assertThrows(SchemaException.class, () -> Schema.parse("bad.graphql", """
                type Dog @table {
                  name: String
                }

                type Cat @table {
                  id: Float @primaryKey
                  owner: Nobody
                }
                """));
        assertThat(e.getMessage(), containsString("3 problems"));
        assertThat(e.getMessage(), containsString("1:1: type Dog needs exactly one @primaryKey attribute"));
        assertThat(e.getMessage(), containsString("7:3: attribute owner has unknown type Nobody"));
        assertThat(e.getMessage(), containsString("the primary key of Cat must be ID, String, Int or Long"));
    }

    @Test
    void directivesAndArgumentsPierDoesNotImplementAreRefusedWithTheirPosition() {
        SchemaException e = assertThrows(SchemaException.class, () -> Schema.parse("reference.graphql", """
                type Dog @table(expiration: 3600, database: "dev") @export(mqtt: false) {
                  id: ID @primaryKey
                  expires: Float @expiresAt
                  owner: Owner @relationship(from: "ownerId")
                  secret: String @allow(role: "admin")
                  size: Int @computed(from: "age * 2") @indexed(type: "vector")
                }
                type Owner {
                  name: String @indexed
                }
                """));
        assertThat(e.getMessage(), containsString("4 problems"));
        assertThat(e.getMessage(), containsString("1:35: @table(database:) is not supported; it takes [audit:, expiration:, table:]"));
        assertThat(e.getMessage(), containsString("4:3: @relationship on owner: a table's own attribute whose type is "
                + "another table"));
        assertThat(e.getMessage(), containsString("5:18: @allow is not supported on attributes; Pier implements "
                + "@computed(from:, function:), @createdTime, @expiresAt, @indexed, @primaryKey, @relationship(from:, to:), "
                + "@updatedTime"));
        assertThat(e.getMessage(), containsString("6:49: @indexed(type:) is not supported; @indexed takes no arguments"));
    }

    @Test
    void aProblemOfANestedTypeUsedManyTimesIsSaidOnce() {
        SchemaException e = assertThrows(SchemaException.class, () -> Schema.parse("nested.graphql", """
                type Dog @table {
                  id: ID @primaryKey
                  home: Place
                  work: Place
                  holidays: [Place]
                }
                type Place {
                  city: Town
                }
                """));
        assertThat(e.getMessage(), containsString("1 problem:"));
        assertThat(e.getMessage().lines().filter(line -> line.contains("unknown type Town")).count(), is(1L));
    }
}
