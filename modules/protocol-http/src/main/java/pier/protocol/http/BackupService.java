package pier.protocol.http;

import java.io.IOException;
import java.io.OutputStream;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import pier.resource.Access;
import pier.resource.Principal;
import pier.resource.ResourceException;

/**
 * {@code POST /$backup}: a super user's consistent copy of the database, streamed as it is taken, while
 * writes go on ({@code ./pier backup} calls it; {@code ./pier restore} builds a data folder from it).
 * {@code POST /$backup?after=N} is an increment: the changes after an earlier backup's position N.
 */
public final class BackupService implements HttpService {

    private static final System.Logger LOG = System.getLogger(BackupService.class.getName());

    /** The database's backups. */
    public interface Source {

        /** Writes a full backup; returns the feed position it is consistent at. */
        long writeTo(OutputStream out) throws IOException;

        /** Throws {@link IllegalArgumentException} when no increment after the position can be taken. */
        void checkIncrement(long after);

        /** Writes the changes after a position; returns the position it reaches. */
        long writeIncrement(long after, OutputStream out) throws IOException;
    }

    private final Logins logins;
    private final java.util.function.Predicate<Principal> superUser;
    private final Source source;

    /**
     * @param logins    who is asking
     * @param superUser whether a caller is a super user (by the roles it holds)
     * @param source    the database's backup
     */
    public BackupService(Logins logins, java.util.function.Predicate<Principal> superUser, Source source) {
        this.logins = logins;
        this.superUser = superUser;
        this.source = source;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/$backup", this::backup);
    }

    private void backup(ServerRequest request, ServerResponse response) {
        long after;
        try {
            Principal principal = logins.authenticate(request.headers(), Logins.client(request.remotePeer()));
            if (!superUser.test(principal)) {
                throw Access.denied(principal, "take a backup");
            }
            after = after(request);
        } catch (ResourceException e) {
            Problem.of(e).send(response);
            return;
        }
        response.status(Status.OK_200).header(HeaderNames.CONTENT_TYPE, "application/vnd.pier.backup")
                .header(HeaderNames.CACHE_CONTROL, "no-store");
        try (OutputStream out = response.outputStream()) {
            long position = after < 0 ? source.writeTo(out) : source.writeIncrement(after, out);
            LOG.log(System.Logger.Level.INFO, "{0} sent, consistent at feed position {1}", after < 0 ? "backup"
                    : "increment after " + after, position);
        } catch (IOException | RuntimeException e) {
            // the body has begun: the client sees a backup cut short, which a restore refuses
            LOG.log(System.Logger.Level.WARNING, "backup ended before its end: " + e);
        }
    }

    // -1 for a full backup; the position of an increment, checked before the body begins
    private long after(ServerRequest request) {
        var given = request.query().first("after");
        if (given.isEmpty()) {
            return -1;
        }
        long after;
        try {
            after = Long.parseLong(given.get());
        } catch (NumberFormatException e) {
            after = -1;
        }
        if (after < 0) {
            throw ResourceException.badRequest("after must be the feed position of an earlier backup, not "
                    + given.get(), "after");
        }
        try {
            source.checkIncrement(after);
        } catch (IllegalArgumentException e) {
            throw new ResourceException(ResourceException.Kind.CONFLICT, e.getMessage(), "after", e);
        }
        return after;
    }
}
