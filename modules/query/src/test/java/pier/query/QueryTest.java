package pier.query;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Every operator and combination, evaluated on records with missing attributes, nulls, mixed types and unicode. */
class QueryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    // id: what makes the record an edge case
    private static final List<JsonNode> DOGS = List.of(
            dog("{'id':1,'name':'Rex','age':4,'owner':{'name':'Ann'},'tags':['good','big']}"),
            dog("{'id':2,'name':'Rexi','age':7,'owner':{'name':'Bob'},'tags':['small']}"),
            dog("{'id':3,'name':'Bella','age':2.5}"),                         // no owner, fractional age
            dog("{'id':4,'name':null,'age':'4'}"),                            // null name, age as a string
            dog("{'id':5,'age':12,'alive':true}"),                            // no name
            dog("{'id':6,'name':'Ünal 🐕','age':-1,'alive':false}"),           // unicode, negative
            dog("{'id':7,'name':'rex','age':null,'owner':{'name':null}}"),    // lower case, null age
            dog("{'id':8,'name':'a&b|c','age':9007199254740993}"));            // reserved characters, big long

    private static JsonNode dog(String json) {
        try {
            return JSON.readTree(json.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static List<Integer> ids(String query) {
        Query parsed = Query.parse(query);
        List<Integer> ids = new ArrayList<>();
        for (JsonNode dog : DOGS) {
            if (parsed.matches(dog)) {
                ids.add(dog.get("id").intValue());
            }
        }
        return ids;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
        "name=Rex; 1",
        "name==Rex; 1",
        "name=Rex*; ''",
        "name==Rex*; 1 2",
        "name==*; 1 2 3 6 7 8",
        "name===Rex; 1",
        "name!==Rex; 2 3 4 5 6 7 8",
        "name=ne=Rex; 2 3 4 5 6 7 8",
        "name!=Rex; 2 3 4 5 6 7 8",
        "age=4; 1 4",
        "age==4; 1 4",
        "age===4; 4",
        "age===number:4; 1",
        "age=number:4; 1",
        "age=string:4; 4",
        "age=gt=4; 2 5 8",
        "age=gt=number:4; 2 5 8",
        "age=ge=4; 1 2 4 5 8",
        "age=lt=4; 3 6",
        "age=le=4; 1 3 4 6",
        "age=gt=2&age=lt=7; 1 3 4",
        "age<4; 3 6",
        "age<=4; 1 3 4 6",
        "age>4; 2 5 8",
        "age>=4; 1 2 4 5 8",
        "age>2&age<7; 1 3 4",
        "name>r; 6 7",
        "name=%3C%3E; ''",
        "age=gt=2&lt=7; 1 3 4",
        "age=ge=4&le=7&age=ne=string:4; 1 2",
        "age=gt=9007199254740992; 8",
        "age=9007199254740993; 8",
        "age=2.5; 3",
        "age=-1; 6",
        "age=null; 7",
        "age===null; 7",
        "name=null; 4 5",
        "name===null; 4",
        "name=ne=null; 1 2 3 6 7 8",
        "name=sw=Re; 1 2",
        "name=ew=x; 1 7",
        "name=ct=e; 1 2 3 7",
        "name=ct=%F0%9F%90%95; 6",
        "name=%C3%9Cnal%20%F0%9F%90%95; 6",
        "name=sw=a%26b; 8",
        "name=gt=r; 6 7",
        "owner.name=Ann; 1",
        "owner.name=null; 3 4 5 6 7 8",
        "owner.name===null; 7",
        "tags=big; 1",
        "tags=sw=sm; 2",
        "tags=ne=big; 2 3 4 5 6 7 8",
        "alive=true; 5",
        "alive=boolean:false; 6",
        "alive===true; ''",
        "(name=Rex|name=Bella)&age=gt=1; 1 3",
        "name=Rex|name=Bella|age=12; 1 3 5",
        "(age=lt=0|age=gt=100)|name=rex; 4 6 7 8",
        "age=gt=number:0&age=lt=number:10; 1 2 3",
        "((name=Rex)); 1",
        "nosuch=1; ''",
        "nosuch=ne=1; 1 2 3 4 5 6 7 8",
        "name=; ''",
        "sort(age); 1 2 3 4 5 6 7 8",
    })
    void filters(String query, String expected) {
        List<Integer> want = expected.isBlank() ? List.of() : java.util.Arrays.stream(expected.split("[ |]"))
                .map(Integer::valueOf).toList();
        assertThat(query, ids(query), equalTo(want));
    }

    @Test
    void typedDatesCompareAsEpochMilliseconds() {
        JsonNode record = dog("{'created':1714564800000}");
        assertThat(Query.parse("created=date:2024-05-01T12:00:00Z").matches(record), equalTo(true));
        assertThat(Query.parse("created=gt=date:2024-05-01").matches(record), equalTo(true));
        assertThat(Query.parse("created=lt=date:2024-05-01T14:00:00%2B02:00").matches(record), equalTo(false));
        assertThat(Query.parse("created=date:1714564800000").matches(record), equalTo(true));
    }

    @Test
    void sortsWithMissingValuesLastInBothDirections() {
        assertThat(sorted("sort(age)"), contains(7, 6, 3, 1, 2, 5, 8, 4));
        assertThat(sorted("sort(-age)"), contains(4, 8, 5, 2, 1, 3, 6, 7));
        assertThat(sorted("sort(name,-id)"), contains(4, 3, 1, 2, 8, 7, 6, 5));
        assertThat(sorted("sort(-owner.name,id)"), contains(2, 1, 7, 3, 4, 5, 6, 8));
    }

    private static List<Integer> sorted(String query) {
        return DOGS.stream().sorted(Query.parse(query).order()).map(d -> d.get("id").intValue()).toList();
    }

    @Test
    void selectKeepsObjectsBareValuesOrArrays() {
        JsonNode rex = DOGS.getFirst();
        JsonNode noName = DOGS.get(4);
        assertThat(Query.parse("select(name,age)").project(rex).toString(), equalTo("{\"name\":\"Rex\",\"age\":4}"));
        assertThat(Query.parse("select(name,age)").project(noName).toString(), equalTo("{\"age\":12}"));
        assertThat(Query.parse("select(name)").project(rex).toString(), equalTo("\"Rex\""));
        assertThat(Query.parse("select(name)").project(noName).toString(), equalTo("null"));
        assertThat(Query.parse("select([name,owner.name])").project(noName).toString(), equalTo("[null,null]"));
        assertThat(Query.parse("select([name,owner.name])").project(rex).toString(), equalTo("[\"Rex\",\"Ann\"]"));
        assertThat(Query.parse("select(owner.name,id)").project(rex).toString(),
                equalTo("{\"owner.name\":\"Ann\",\"id\":1}"));
    }

    @Test
    void limitHasTwoForms() {
        assertThat(Query.parse("limit(5)").limit().orElseThrow(), equalTo(new Limit(0, 5)));
        assertThat(Query.parse("limit(1,3)").limit().orElseThrow(), equalTo(new Limit(1, 2)));
        Query all = Query.parse("age=gt=3&select(name)&sort(-age,+name)&limit(2,10)");
        assertThat(all.filter().orElseThrow().toString(), equalTo("age=gt=3"));
        assertThat(all.sort().toString(), equalTo(List.of(new SortKey(new Path(List.of("age"), 30), true),
                new SortKey(new Path(List.of("name"), 35), false)).toString()));
        assertThat(all.sort().getFirst().attribute().position(), equalTo(28));
        assertThat(all.attributes().stream().map(Path::text).toList(), contains("age", "name", "age", "name"));
        assertThat(Query.parse("").isEmpty(), equalTo(true));
        assertThat(Query.parse("limit(3)").isEmpty(), equalTo(false));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "bad((; 0; unknown function bad()",
        "name=Rex&age=3|age=4; 14; cannot mix",
        "(a=1|b=2&c=3); 8; cannot mix",
        "a=1&(b=2; 8; the '(' at position 4 is not closed",
        "a=1); 3; unexpected ')'",
        "age=foo=3; 4; unknown operator =foo=",
        "age=gt=; 7; expected a value after =gt=",
        "age; 3; expected an operator",
        "=3; 0; expected an attribute name",
        "a=1&; 4; expected an attribute name",
        "age=number:x; 4; 'x' is not a number",
        "ok=boolean:yes; 3; not a boolean",
        "d=date:tomorrow; 2; not a date",
        "name=a(b; 6; must be percent-encoded",
        "name=%zz; 5; two hex digits",
        "name=%ff%fe; 5; not UTF-8",
        "name=%c0%af; 5; not UTF-8",
        "a..b=1; 0; joined by single dots",
        "(a=1|b=2)|sort(a); 10; join the query with '&'",
        "sort(a)|b=1; 7; join the query with '&'",
        "(sort(a)); 1; only allowed at the top level",
        "limit(2)&limit(3); 9; appears twice",
        "limit(x); 6; non-negative whole number",
        "limit(5,2); 8; end >= start",
        "select(); 7; expected an attribute name",
        "select([a,b); 11; expected ']'",
        "frobnicate(a); 0; unknown function frobnicate()",
        "name=sw=number:3; 8; compares strings",
        "(); 0; empty parentheses",
        "age=>3; 4; unexpected '>' where a value starts",
        "age=<3; 4; unexpected '<' where a value starts",
        "age=<=3; 4; unexpected '<' where a value starts",
        "age=>=3; 4; unexpected '>' where a value starts",
        "age<>3; 4; unexpected '>' where a value starts",
        "age><3; 4; unexpected '<' where a value starts",
        "age<==3; 5; unexpected '=' where a value starts",
        "age>==3; 5; unexpected '=' where a value starts",
        "age=!3; 4; unexpected '!' where a value starts",
        "age=!=3; 4; unexpected '!' where a value starts",
        "age====3; 6; unexpected '=' where a value starts",
        "age=gt==3; 7; unexpected '=' where a value starts",
        "age=gt=>3; 7; unexpected '>' where a value starts",
        "age=lt=<3; 7; unexpected '<' where a value starts",
        "age==<3; 5; unexpected '<' where a value starts",
        "age=3<4; 5; must be percent-encoded as %3C",
        "age=3>; 5; must be percent-encoded as %3E",
        "age!3; 3; expected an operator",
        "age=<; 4; unexpected '<' where a value starts",
        "age<; 4; expected a value after =lt=",
        "age>=; 5; expected a value after =ge=",
        "age=lte=3; 4; unknown operator =lte=",
        "age=gte=3; 4; unknown operator =gte=",
        "age=eq=3; 4; unknown operator =eq=",
        "age=GT=3; 4; unknown operator =GT=",
        "<3; 0; expected an attribute name",
        "age=gt=3&<5; 9; expected an attribute name",
    })
    void syntaxErrorsNameThePositionAndWhatWasExpected(String query, int position, String message) {
        QueryException e = assertThrows(QueryException.class, () -> Query.parse(query));
        assertThat(e.getMessage(), containsString(message));
        assertThat(e.getMessage(), e.position(), equalTo(position));
        assertThat(e.getMessage(), containsString("at position " + position));
    }

    @Test
    void encodedPipesAndBracketsAreOperatorsAsJavaUriSendsThem() {
        assertThat(ids("name=Rex%7Cname=Bella"), equalTo(ids("name=Rex|name=Bella")));
        assertThat(ids("(name=Rex%7cage=12)&id=gt=1"), equalTo(List.of(5)));
        assertThat(Query.parse("select(%5Bname,age%5D)").selection().orElseThrow(),
                equalTo(Query.parse("select([name,age])").selection().orElseThrow()));
        // so a value cannot hold a '|'; other encoded delimiters are data
        assertThrows(QueryException.class, () -> Query.parse("name=a%26b%7Cc"));
        assertThat(ids("name=ct=a%26b"), equalTo(List.of(8)));
    }

    @Test
    void chainedFormNeedsAPreviousComparison() {
        // a bare lt=5 names an attribute "lt"
        assertThat(Query.parse("lt=5").attributes().getFirst().text(), equalTo("lt"));
        assertThat(Query.parse("a=1|lt=5").attributes().get(1).text(), equalTo("lt"));
        assertThat(Query.parse("a=1&lt==5").attributes().get(1).text(), equalTo("lt"));
        assertThat(Query.parse("a=gt=1&lt=5").attributes().get(1).text(), equalTo("a"));
    }

    @Test
    void valueOrderIsUtf8ByteOrder() {
        List<String> strings = new ArrayList<>(List.of("\uFFFD", "\uD83D\uDC15", "a", "Z", "é", ""));
        strings.sort(ValueOrder::compareStrings);
        List<String> bytewise = new ArrayList<>(strings);
        bytewise.sort((x, y) -> java.util.Arrays.compareUnsigned(x.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                y.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(strings, equalTo(bytewise));
        assertThat(strings.getLast(), equalTo("\uD83D\uDC15"));
        assertThat(ValueOrder.rank(dog("null")), equalTo(ValueOrder.Rank.NULL));
        assertThat(ValueOrder.compare(dog("true"), dog("1")), equalTo(-1));
        assertThat(ValueOrder.compare(dog("1.0"), dog("1")), equalTo(0));
        assertThat(ValueOrder.compare(dog("[1]"), dog("\"z\"")), equalTo(1));
    }

    @Test
    void emptyQueryMatchesEverything() {
        assertThat(ids(""), equalTo(List.of(1, 2, 3, 4, 5, 6, 7, 8)));
        assertThat(Query.parse("name=Nobody").matches(DOGS.getFirst()), equalTo(false));
        assertThat(Query.ALL.attributes(), empty());
    }
}
