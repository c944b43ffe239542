package pier.studio;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class UserPropertiesTest {

    @Test
    void keepsOrderRepeatsAndEqualsInValues() {
        List<Map.Entry<String, String>> parsed = UserProperties.parse("a=1\n\n a = x=y \na=2\n");
        assertThat(parsed, is(List.of(Map.entry("a", "1"), Map.entry("a", "x=y"), Map.entry("a", "2"))));
        assertThat(UserProperties.parse(UserProperties.format(parsed)), is(parsed));
    }

    @Test
    void namesTheBadLine() {
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> UserProperties.parse("a=1\nnovalue"));
        assertThat(bad.getMessage(), containsString("line 2"));
        assertThrows(IllegalArgumentException.class, () -> UserProperties.parse("=v"));
    }
}
