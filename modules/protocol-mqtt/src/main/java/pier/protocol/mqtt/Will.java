package pier.protocol.mqtt;

import pier.resource.Principal;

/**
 * A client's will: a publish made for it when its connection ends abnormally, by the same rules as a
 * PUBLISH of its own (a record topic writes or notifies the record; permissions are checked again when
 * it is sent).
 *
 * @param message   what is published
 * @param principal the client's user, whose rights it is published with
 */
record Will(Message message, Principal principal) {
}
