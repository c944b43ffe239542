package pier.query;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Percent-decoding of URL paths and query parts, strictly: a {@code %} not followed by two hex digits, or
 * bytes that are not UTF-8 ({@code %ff}, the overlong {@code %c0%af}), are refused rather than read as
 * U+FFFD, which would make different texts one name. {@code +} stays a plus.
 */
public final class PercentDecoding {

    private PercentDecoding() {
    }

    /** What is wrong with a text, and where. */
    public static final class MalformedException extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;
        private final int index;

        MalformedException(String message, int index) {
            super(message);
            this.index = index;
        }

        /**
         * Where the problem is.
         *
         * @return the index of the bad {@code %} in the text, or 0 when the decoded bytes are not UTF-8
         */
        public int index() {
            return index;
        }
    }

    /**
     * Decodes a text.
     *
     * @param raw the text as sent
     * @return the decoded text
     * @throws MalformedException when a {@code %} is not followed by two hex digits or the bytes are not UTF-8
     */
    public static String decode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '%') {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            int high = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
            int low = high >= 0 ? Character.digit(raw.charAt(i + 2), 16) : -1;
            if (low < 0) {
                throw new MalformedException("'%' must be followed by two hex digits", i);
            }
            bytes.write(high * 16 + low);
            i += 2;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedException("the percent-encoded bytes are not UTF-8", 0);
        }
    }
}
