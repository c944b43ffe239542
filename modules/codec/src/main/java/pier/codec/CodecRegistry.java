package pier.codec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.helidon.http.HttpMediaType;

import pier.codec.spi.CodecProvider;
import pier.codec.spi.JacksonCodec;

/**
 * The formats a server speaks: JSON (built in) plus every {@link CodecProvider} found, looked up by
 * media type and chosen by content negotiation. At equal client quality the server prefers CBOR, then
 * MessagePack, then JSON; wildcards and a missing {@code Accept} choose JSON.
 */
public final class CodecRegistry {

    /** The media type of the built-in JSON codec. */
    public static final String JSON = "application/json";

    private static final System.Logger LOG = System.getLogger(CodecRegistry.class.getName());

    private final Codec json;
    private final List<Codec> codecs;
    private final Map<String, Codec> byMediaType;

    private CodecRegistry(Codec json, List<Codec> codecs, Map<String, Codec> byMediaType) {
        this.json = json;
        this.codecs = codecs;
        this.byMediaType = byMediaType;
    }

    /**
     * Builds the registry from JSON and the providers visible to this module's layer.
     *
     * @param limits the input limits every codec enforces
     * @return the registry
     * @throws IllegalStateException when two codecs claim one media type
     */
    public static CodecRegistry load(CodecLimits limits) {
        List<CodecProvider> providers = ServiceLoader.load(CodecProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .sorted(Comparator.comparing(p -> p.getClass().getName()))
                .toList();
        CodecRegistry registry = of(limits, providers);
        LOG.log(System.Logger.Level.INFO, "codecs: {0}", registry.supportedTypes());
        return registry;
    }

    /**
     * Builds the registry from JSON and the given providers.
     *
     * @param limits    the input limits every codec enforces
     * @param providers the other formats
     * @return the registry
     * @throws IllegalStateException when two codecs claim one media type
     */
    public static CodecRegistry of(CodecLimits limits, List<CodecProvider> providers) {
        // characters beyond the BMP as UTF-8, not as escaped surrogate pairs
        JacksonCodec json = new JacksonCodec(JsonMapper.builder().enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
                .build(), limits, 1, JSON);
        List<Codec> codecs = new ArrayList<>();
        codecs.add(json);
        codecs.add(new JsonLinesCodec(json));
        providers.forEach(provider -> codecs.add(provider.create(limits)));
        codecs.sort(Comparator.comparingInt(Codec::preference).reversed());
        Map<String, Codec> byMediaType = new LinkedHashMap<>();
        for (Codec codec : codecs) {
            for (String type : codec.mediaTypes()) {
                Codec previous = byMediaType.putIfAbsent(type, codec);
                if (previous != null) {
                    throw new IllegalStateException("two codecs claim " + type + ": "
                            + previous.getClass().getName() + " and " + codec.getClass().getName());
                }
            }
        }
        return new CodecRegistry(json, List.copyOf(codecs), byMediaType);
    }

    /**
     * The built-in JSON codec, the default format.
     *
     * @return the JSON codec
     */
    public Codec json() {
        return json;
    }

    /**
     * Every codec, most preferred first.
     *
     * @return the codecs
     */
    public List<Codec> codecs() {
        return codecs;
    }

    /**
     * The codec for a {@code Content-Type}; parameters such as {@code charset} are ignored and the type
     * is matched case-insensitively.
     *
     * @param contentType a media type, possibly with parameters
     * @return the codec, or empty when the type is unknown or unparseable
     */
    public Optional<Codec> forContentType(String contentType) {
        try {
            String type = HttpMediaType.create(contentType).mediaType().text().toLowerCase(Locale.ROOT);
            return Optional.ofNullable(byMediaType.get(type));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Chooses the codec for an {@code Accept} header.
     *
     * @param accept the header's value; empty or blank means JSON
     * @return the chosen codec
     * @throws CodecException of kind {@link CodecException.Kind#UNSUPPORTED_MEDIA_TYPE} when none is acceptable;
     *                        its message lists the supported types
     */
    public Codec negotiate(String accept) {
        if (accept.isBlank()) {
            return json;
        }
        List<HttpMediaType> ranges = parseAccept(accept);
        Codec best = null;
        Rank bestRank = null;
        for (Codec codec : codecs) {
            Rank rank = rank(codec, ranges);
            if (rank.quality() > 0 && (bestRank == null || rank.compareTo(bestRank) > 0)) {
                best = codec;
                bestRank = rank;
            }
        }
        if (best == null) {
            throw CodecException.unsupported("none of the types in Accept: " + accept
                    + " is supported; supported types: " + supportedTypes());
        }
        return best;
    }

    /**
     * The supported media types, comma separated, for error messages and documentation.
     *
     * @return e.g. {@code application/cbor, application/x-msgpack, application/json}
     */
    public String supportedTypes() {
        return String.join(", ", byMediaType.keySet());
    }

    private List<HttpMediaType> parseAccept(String accept) {
        try {
            List<HttpMediaType> ranges = new ArrayList<>();
            for (String range : splitList(accept)) {
                if (!range.isBlank()) {
                    ranges.add(HttpMediaType.create(range.strip()));
                }
            }
            return ranges;
        } catch (RuntimeException e) {
            throw CodecException.unsupported("cannot parse Accept: " + accept + "; supported types: "
                    + supportedTypes());
        }
    }

    // Helidon parses one media range; the list is split here, minding commas inside quoted parameters
    private static List<String> splitList(String header) {
        List<String> items = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                items.add(header.substring(start, i));
                start = i + 1;
            }
        }
        items.add(header.substring(start));
        return items;
    }

    private Rank rank(Codec codec, List<HttpMediaType> ranges) {
        // RFC 9110 12.5.1: the most specific range that matches a type sets its quality
        int specificity = -1;
        double quality = 0;
        for (HttpMediaType range : ranges) {
            String type = range.mediaType().type().toLowerCase(Locale.ROOT);
            String subtype = range.mediaType().subtype().toLowerCase(Locale.ROOT);
            for (String candidate : codec.mediaTypes()) {
                int matched = specificity(type, subtype, candidate);
                if (matched > specificity || matched == specificity && matched >= 0 && range.qualityFactor() > quality) {
                    specificity = matched;
                    quality = range.qualityFactor();
                }
            }
        }
        boolean explicit = specificity == 2;
        // an explicit type is chosen by the server's preference; a wildcard by the default format first
        int tieBreak = explicit || codec != json ? codec.preference() : Integer.MAX_VALUE;
        return new Rank(quality, explicit, tieBreak);
    }

    private static int specificity(String type, String subtype, String candidate) {
        int slash = candidate.indexOf('/');
        String candidateType = candidate.substring(0, slash);
        String candidateSubtype = candidate.substring(slash + 1);
        if (type.equals("*")) {
            return 0;
        }
        if (!type.equals(candidateType)) {
            return -1;
        }
        if (subtype.equals("*")) {
            return 1;
        }
        return subtype.equals(candidateSubtype) ? 2 : -1;
    }

    private record Rank(double quality, boolean explicit, int tieBreak) implements Comparable<Rank> {
        @Override
        public int compareTo(Rank other) {
            return Comparator.comparingDouble(Rank::quality)
                    .thenComparing(Rank::explicit)
                    .thenComparingInt(Rank::tieBreak)
                    .compare(this, other);
        }
    }
}
