package pier.security;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pier.resource.Principal;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class UsersTest {

    @TempDir
    Path folder;

    @Test
    void theFirstStartCreatesAnAdminWithTheGivenPasswordOnlyOnce() {
        try (TestDatabase db = new TestDatabase(folder)) {
            Users users = db.users(false);
            assertThat(users.createAdminIfNone(Optional.of("pw")), is(Optional.empty()));
            assertThat(users.authenticate("admin", "pw"), is(Optional.of(new Principal("admin", false))));
            assertThat(users.authenticate("admin", "wrong"), is(Optional.empty()));
            assertThat(users.authenticate("nobody", "pw"), is(Optional.empty()));
            assertThat(users.createAdminIfNone(Optional.of("other")), is(Optional.empty()));
            assertThat(users.authenticate("admin", "other"), is(Optional.empty()));
        }
    }

    @Test
    void aGeneratedPasswordIsReturnedOnceAndSurvivesARestart() {
        String generated;
        try (TestDatabase db = new TestDatabase(folder)) {
            generated = db.users(false).createAdminIfNone(Optional.empty()).orElseThrow();
        }
        try (TestDatabase db = new TestDatabase(folder)) {
            assertThat(db.users(false).authenticate("admin", generated).isPresent(), is(true));
        }
    }

    @Test
    void changingAPasswordForgetsTheRememberedCredential() {
        try (TestDatabase db = new TestDatabase(folder)) {
            Users users = db.users(false);
            users.putUser("ann", Optional.of("one"), List.of());
            assertThat(users.authenticate("ann", "one").isPresent(), is(true));
            users.putUser("ann", Optional.of("two"), List.of());
            assertThat(users.authenticate("ann", "one").isPresent(), is(false));
            assertThat(users.authenticate("ann", "two"), is(Optional.of(new Principal("ann", false))));
        }
    }

    @Test
    void aCredentialCostsOneSlowHashHoweverManyCallersPresentIt() throws Exception {
        try (TestDatabase db = new TestDatabase(folder)) {
            Users users = db.users(false);
            users.putUser("ann", Optional.of("pw"), List.of());
            try (var callers = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                var results = java.util.stream.IntStream.range(0, 50)
                        .mapToObj(i -> callers.submit(() -> users.authenticate("ann", "pw"))).toList();
                for (var result : results) {
                    assertThat(result.get().isPresent(), is(true));
                }
            }
            assertThat(users.authenticate("ann", "pw").isPresent(), is(true));
            assertThat(users.slowChecks(), is(1L));
            assertThat(users.authenticate("ann", "bad").isPresent(), is(false));
            assertThat(users.authenticate("ann", "bad").isPresent(), is(false));
            // wrong passwords are never remembered: each attempt pays the slow hash
            assertThat(users.slowChecks(), is(3L));
        }
    }

    @Test
    void passwordsAreStoredOnlyAsSaltedHashes() {
        try (TestDatabase db = new TestDatabase(folder)) {
            db.users(false).putUser("ann", Optional.of("visible-secret"), List.of());
            byte[] stored = db.store.get("table/" + Security.USERS, "ann".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .orElseThrow();
            assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1).contains("visible-secret"),
                    is(false));
        }
    }

    @Test
    void anUnknownUserCostsOneSlowHashAsAKnownOneDoes() {
        try (TestDatabase db = new TestDatabase(folder)) {
            Users users = db.users(false);
            users.putUser("ann", Optional.of("pw"), List.of());
            long before = users.slowHashes();
            assertThat(users.authenticate("ann", "wrong").isPresent(), is(false));
            assertThat(users.slowHashes() - before, is(1L));
            assertThat(users.authenticate("nobody", "wrong").isPresent(), is(false));
            assertThat(users.slowHashes() - before, is(2L));
        }
    }

    @Test
    void aNewPasswordOrANewUserOfTheNameHasANewLoginGeneration() {
        try (TestDatabase db = new TestDatabase(folder)) {
            Users users = db.users(false);
            users.putUser("ann", Optional.of("pw"), List.of());
            String first = users.loginGeneration("ann").orElseThrow();
            users.putUser("ann", Optional.empty(), List.of("reader"));
            assertThat(users.loginGeneration("ann").orElseThrow(), is(first));
            users.putUser("ann", Optional.of("pw2"), List.of());
            String second = users.loginGeneration("ann").orElseThrow();
            assertThat(second.equals(first), is(false));
            users.removeUser("ann");
            assertThat(users.loginGeneration("ann").isPresent(), is(false));
            users.putUser("ann", Optional.of("pw2"), List.of());
            assertThat(users.loginGeneration("ann").orElseThrow().equals(second), is(false));
        }
    }
}
