package pier.security;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import pier.resource.Principal;
import pier.resource.ResourceException;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LoginThrottleTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final LoginThrottle throttle = new LoginThrottle(new Authenticator() {
        @Override
        public Optional<Principal> authenticate(String user, String password) {
            return password.equals("right") ? Optional.of(new Principal(user, false)) : Optional.empty();
        }

        @Override
        public boolean allowsAnonymous() {
            return false;
        }
    }, 3, Duration.ofMinutes(1), now::get);

    @Test
    void anAddressIsClosedAfterTooManyFailuresUntilTheWindowPasses() {
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.authenticate("ann", "wrong", "10.0.0.1").isPresent(), is(false));
        }
        ResourceException closed = assertThrows(ResourceException.class,
                () -> throttle.authenticate("ann", "right", "10.0.0.1"));
        assertThat(closed.kind(), is(ResourceException.Kind.TOO_MANY_REQUESTS));
        assertThat(closed.getMessage(), containsString("try again in 60 s"));
        assertThat(throttle.authenticate("ann", "right", "10.0.0.2").isPresent(), is(true));
        now.addAndGet(60_000);
        assertThat(throttle.authenticate("ann", "right", "10.0.0.1").isPresent(), is(true));
        assertThat(throttle.failures(), is(3L));
        assertThat(throttle.throttled(), is(1L));
    }

    @Test
    void aSuccessClearsTheCountAndOldFailuresExpire() {
        throttle.authenticate("ann", "wrong", "10.0.0.1");
        throttle.authenticate("ann", "wrong", "10.0.0.1");
        throttle.authenticate("ann", "right", "10.0.0.1");
        throttle.authenticate("ann", "wrong", "10.0.0.1");
        throttle.authenticate("ann", "wrong", "10.0.0.1");
        now.addAndGet(61_000);
        throttle.authenticate("ann", "wrong", "10.0.0.1");
        assertThat(throttle.authenticate("ann", "right", "10.0.0.1").isPresent(), is(true));
    }

    @Test
    void anotherUsersSuccessDoesNotClearTheCount() {
        for (int i = 0; i < 3; i++) {
            throttle.authenticate("admin", "guess" + i, "10.0.0.1");
            assertThat(throttle.authenticate("nobody", "right", "10.0.0.1").isPresent(), is(true));
        }
        assertThrows(ResourceException.class, () -> throttle.authenticate("admin", "guess", "10.0.0.1"));
        // admin is not locked out where nobody failed for it
        assertThat(throttle.authenticate("admin", "right", "10.0.0.9").isPresent(), is(true));
    }

    @Test
    void anAddressGuessingManyUsersIsClosedForAll() {
        for (int i = 0; i < 15; i++) {
            throttle.authenticate("user" + i, "wrong", "10.0.0.1");
        }
        assertThrows(ResourceException.class, () -> throttle.authenticate("fresh", "right", "10.0.0.1"));
        assertThat(throttle.authenticate("fresh", "right", "10.0.0.2").isPresent(), is(true));
    }

    @Test
    void aUserGuessedFromManyAddressesIsClosedWhereItFailedOnly() {
        for (int i = 0; i < 30; i++) {
            throttle.authenticate("admin", "wrong", "10.1.0." + i);
        }
        assertThrows(ResourceException.class, () -> throttle.authenticate("admin", "right", "10.1.0.0"));
        assertThat(throttle.authenticate("admin", "right", "10.9.9.9").isPresent(), is(true));
    }
}
