package pier.resource;

/**
 * Who is asking: an authenticated user, or the anonymous caller.
 *
 * @param name      the user name; {@code anonymous} for the anonymous caller
 * @param superUser whether every permission is granted
 */
public record Principal(String name, boolean superUser) {

    /** The caller who presented no credentials. */
    public static final Principal ANONYMOUS = new Principal("anonymous", false);
}
