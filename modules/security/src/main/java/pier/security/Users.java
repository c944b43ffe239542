package pier.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import pier.resource.Content;
import pier.resource.Principal;
import pier.resource.RedactedSubscription;
import pier.resource.Request;
import pier.resource.Resource;
import pier.resource.ResourceException;
import pier.resource.SubscribeOptions;
import pier.resource.Subscription;

/**
 * The users (records of the system table {@code $users}, never exported, written through the database's
 * write path): each user's password and roles, and password checks. A {@link Principal} names the user only; what it may do is looked up in its current roles
 * ({@link AccessControl}) at each check. Passwords are stored as
 * salted PBKDF2 hashes; a checked credential is remembered for a few minutes under a keyed hash of it,
 * so the slow hash runs once per credential, not once per request.
 */
public final class Users implements Authenticator {

    private static final int ITERATIONS = 210_000;
    // the salt of the check an unknown user's password gets, so that it takes as long as a known one's
    private static final byte[] UNKNOWN_SALT = new byte[16];
    private static final Duration REMEMBER = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Remembered(Principal principal, long until) {
    }

    private final Resource table;
    private final boolean allowAnonymous;
    private final LongSupplier clock;
    private final SecretKeySpec cacheKey;
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Optional<Principal>>> checking = new ConcurrentHashMap<>();
    private final AtomicLong slowChecks = new AtomicLong();
    private final AtomicLong slowHashes = new AtomicLong();

    private Users(Resource table, boolean allowAnonymous, LongSupplier clock) {
        this.table = table;
        this.allowAnonymous = allowAnonymous;
        this.clock = clock;
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        this.cacheKey = new SecretKeySpec(key, "HmacSHA256");
    }

    /**
     * Opens the users.
     *
     * @param table          the system table {@value Security#USERS}
     * @param allowAnonymous whether callers without credentials may act
     * @return the users
     */
    public static Users open(Resource table, boolean allowAnonymous) {
        return new Users(table, allowAnonymous, System::currentTimeMillis);
    }

    /**
     * Creates the {@code admin} super user when there are no users yet.
     *
     * @param password the password to give it, or empty to generate one
     * @return the generated password, when one was generated (to show once)
     */
    public Optional<String> createAdminIfNone(Optional<String> password) {
        try (var any = table.list(Request.of(Security.SERVER, null)).records()) {
            if (any.findAny().isPresent()) {
                return Optional.empty();
            }
        }
        String chosen = password.orElseGet(Users::generatePassword);
        putUser("admin", Optional.of(chosen), List.of(Role.ADMIN));
        return password.isPresent() ? Optional.empty() : Optional.of(chosen);
    }

    /**
     * Creates or changes a user; credentials remembered for that user are forgotten.
     *
     * @param user     the user name
     * @param password the new password, or empty to keep the current one
     * @param roles    the user's roles
     * @throws pier.resource.ResourceException {@code BAD_REQUEST} for a new user without a password
     */
    public void putUser(String user, Optional<String> password, List<String> roles) {
        Optional<JsonNode> current = stored(user);
        ObjectNode stored = JsonNodeFactory.instance.objectNode();
        if (password.isPresent()) {
            byte[] salt = new byte[16];
            RANDOM.nextBytes(salt);
            stored.put("salt", salt).put("hash", hash(password.get(), salt, ITERATIONS)).put("iterations", ITERATIONS);
            // a new password ends the logins issued under the old one
            stored.put("generation", newGeneration());
        } else if (current.isPresent()) {
            stored.set("salt", current.get().get("salt"));
            stored.set("hash", current.get().get("hash"));
            stored.set("iterations", current.get().get("iterations"));
            stored.put("generation", current.get().path("generation").asText(""));
        } else {
            throw pier.resource.ResourceException.badRequest("a new user needs a password", "password");
        }
        ArrayNode roleNames = stored.putArray("roles");
        roles.forEach(roleNames::add);
        table.put(Request.of(Security.SERVER, user).withContent(new Content.Structured(stored)));
        forget(user);
    }

    /** Removes a user, if there is one; its remembered credentials are forgotten. */
    public void removeUser(String user) {
        table.delete(Request.of(Security.SERVER, user));
        forget(user);
    }

    /** Every user with its roles, in name order. */
    public Map<String, List<String>> roles() {
        Map<String, List<String>> roles = new java.util.TreeMap<>();
        try (var users = table.list(Request.of(Security.SERVER, null)).records()) {
            users.forEach(user -> roles.put(user.id(), rolesOf(user.value())));
        }
        return roles;
    }

    /**
     * Follows the users: every change, as the admin surface shows a user (name and roles, never a
     * credential).
     *
     * @param user    one user, or empty for all
     * @param options how the subscription queues
     * @return the subscription
     */
    Subscription watch(Optional<String> user, SubscribeOptions options) {
        Request request = Request.of(Security.SERVER, user.orElse(null));
        return new RedactedSubscription(table.subscribe(request, options),
                stored -> shown(stored.path("name").asText(), rolesOf(stored)));
    }

    /** A user as the admin surface shows it: name and roles. */
    static ObjectNode shown(String name, List<String> roles) {
        ObjectNode user = JsonNodeFactory.instance.objectNode().put("name", name);
        roles.forEach(user.putArray("roles")::add);
        return user;
    }

    /** A user's stored roles; users from before roles existed were marked super users instead. */
    private static List<String> rolesOf(JsonNode stored) {
        if (!stored.has("roles")) {
            return stored.path("superUser").asBoolean() ? List.of(Role.ADMIN) : List.of();
        }
        List<String> roles = new ArrayList<>();
        stored.get("roles").forEach(role -> roles.add(role.asText()));
        return roles;
    }

    /** Forgets the checked passwords of a user (changed, or gone). */
    void forget(String user) {
        remembered.values().removeIf(r -> r.principal().name().equals(user));
    }

    @Override
    public Optional<Principal> authenticate(String user, String password) {
        String credential = keyedHash(user, password);
        Optional<Principal> known = remembered(credential);
        if (known.isPresent()) {
            return known;
        }
        // callers presenting the same credential at once share one slow check
        CompletableFuture<Optional<Principal>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<Principal>> running = checking.putIfAbsent(credential, mine);
        if (running != null) {
            return running.join();
        }
        try {
            // a check that finished since the first look has remembered its result already
            Optional<Principal> justChecked = remembered(credential);
            if (justChecked.isPresent()) {
                mine.complete(justChecked);
                return justChecked;
            }
            Optional<Principal> principal = check(user, password);
            principal.ifPresent(p -> remembered.put(credential, new Remembered(p, clock.getAsLong()
                    + REMEMBER.toMillis())));
            mine.complete(principal);
            return principal;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            checking.remove(credential);
        }
    }

    private Optional<Principal> remembered(String credential) {
        Remembered known = remembered.get(credential);
        return known != null && known.until() > clock.getAsLong() ? Optional.of(known.principal()) : Optional.empty();
    }

    /** How many slow hashes were computed to check passwords, for tests of the remembering. */
    long slowChecks() {
        return slowChecks.get();
    }

    /** How many PBKDF2 hashes were computed, for tests that unknown users cost as much as known ones. */
    long slowHashes() {
        return slowHashes.get();
    }

    @Override
    public boolean allowsAnonymous() {
        return allowAnonymous;
    }

    @Override
    public Optional<String> loginGeneration(String user) {
        // users stored before generations existed have the empty one until their password changes
        return stored(user).map(stored -> stored.path("generation").asText(""));
    }

    private Optional<JsonNode> stored(String user) {
        return Security.find(table, user);
    }

    private static String newGeneration() {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private Optional<Principal> check(String user, String password) {
        slowChecks.incrementAndGet();
        Optional<JsonNode> stored = stored(user);
        if (stored.isEmpty()) {
            // an unknown user costs what a known one does: the time of an answer names no users
            hash(password, UNKNOWN_SALT, ITERATIONS);
            return Optional.empty();
        }
        try {
            byte[] expected = stored.get().get("hash").binaryValue();
            return MessageDigest.isEqual(expected, hash(password, stored.get().get("salt").binaryValue(),
                    stored.get().get("iterations").asInt())) ? Optional.of(new Principal(user, false)) : Optional.empty();
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    private String keyedHash(String user, String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(cacheKey);
            return HexFormat.of().formatHex(mac.doFinal((user + '\u0000' + password).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private byte[] hash(String password, byte[] salt, int iterations) {
        slowHashes.incrementAndGet();
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK", e);
        }
    }

    private static String generatePassword() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
