package io.warren.broker.queue.stream;

import io.warren.codec.FieldTables;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which messages of a stream a consumer receives, decided exactly on the server (RabbitMQ's Bloom filter lets
 * some others through and leaves the rest to the client; Warren lets none through, so a client's own check
 * still passes).
 *
 * <p>A publisher tags a message with the header x-stream-filter-value: one value, or several separated by commas
 * (LavinMQ). A consumer asks with the arguments
 * <ul>
 *   <li>x-stream-filter: a string (comma-separated values), an array of strings, or a table. A table's entries are
 *       header conditions, header name to value: the message's header of that name must have that value (compared
 *       as text; strings, integers and booleans only); a table entry named x-stream-filter holds values again.</li>
 *   <li>x-filter-match-type: "any" (the default: one condition is enough, which is what RabbitMQ's list of filter
 *       values means) or "all" (every condition must hold). LavinMQ's default is "all"; Warren follows RabbitMQ,
 *       whose consumers send several values meaning "any of these".</li>
 *   <li>x-stream-match-unfiltered: true to also receive the messages that carry no filter value.</li>
 * </ul>
 * A consumer without x-stream-filter receives every message.
 */
public record StreamFilter(Set<String> values, Map<String, String> headers, boolean matchAll,
                           boolean matchUnfiltered) {
    public static final String FILTER = "x-stream-filter";
    public static final String MATCH_TYPE = "x-filter-match-type";
    public static final String MATCH_UNFILTERED = "x-stream-match-unfiltered";
    /** The publisher's header. */
    public static final String FILTER_VALUE = "x-stream-filter-value";
    /** The filter of a consumer that asked for none: every message matches. */
    public static final StreamFilter NONE = new StreamFilter(Set.of(), Map.of(), false, false);

    public StreamFilter {
        values = Collections.unmodifiableSet(new LinkedHashSet<>(values));
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** Reads and checks a basic.consume's filter arguments. */
    public static StreamFilter from(Map<String, Object> consumerArguments) {
        Map<String, Object> args = consumerArguments == null ? Map.of() : consumerArguments;
        Set<String> values = new LinkedHashSet<>();
        Map<String, String> headers = new LinkedHashMap<>();
        if (args.get(FILTER) != null) {
            readFilter(args.get(FILTER), values, headers, true);
            if (values.isEmpty() && headers.isEmpty()) {
                throw new InvalidStreamArgument(FILTER, ErlangTerms.typed(args.get(FILTER))
                        + "; it names no filter value");
            }
        }
        boolean matchAll = matchAll(args);
        boolean matchUnfiltered = false;
        if (args.containsKey(MATCH_UNFILTERED)) {
            Object v = args.get(MATCH_UNFILTERED);
            if (!(v instanceof Boolean b)) {
                throw new InvalidStreamArgument(MATCH_UNFILTERED, "{unacceptable_type," + FieldTables.typeName(v)
                        + "}; it must be a boolean");
            }
            matchUnfiltered = b;
        }
        if (values.isEmpty() && headers.isEmpty()) {
            return NONE;
        }
        return new StreamFilter(values, headers, matchAll, matchUnfiltered);
    }

    private static void readFilter(Object v, Set<String> values, Map<String, String> headers, boolean top) {
        String text = ErlangTerms.text(v);
        if (text != null) {
            values.addAll(split(text));
        } else if (v instanceof List<?> list && top) {
            for (Object item : list) {
                String s = ErlangTerms.text(item);
                if (s == null) {
                    throw new InvalidStreamArgument(FILTER, "{unacceptable_type," + FieldTables.typeName(item)
                            + "} in the array; its items must be strings");
                }
                values.addAll(split(s));
            }
        } else if (v instanceof Map<?, ?> table && top) {
            for (Map.Entry<?, ?> e : table.entrySet()) {
                String name = e.getKey().toString();
                if (FILTER.equals(name)) {
                    readFilter(e.getValue(), values, headers, false);
                    continue;
                }
                String value = headerText(e.getValue());
                if (value == null) {
                    throw new InvalidStreamArgument(FILTER, "{unacceptable_type," + FieldTables.typeName(e.getValue())
                            + "} for header '" + name + "'; header values must be strings, integers or booleans");
                }
                headers.put(name, value);
            }
        } else {
            throw new InvalidStreamArgument(FILTER, "{unacceptable_type," + FieldTables.typeName(v)
                    + "}; it must be a string, an array of strings or a table");
        }
    }

    private static boolean matchAll(Map<String, Object> args) {
        if (!args.containsKey(MATCH_TYPE)) {
            return false;
        }
        Object v = args.get(MATCH_TYPE);
        String text = ErlangTerms.text(v);
        if (text != null && text.toLowerCase(Locale.ROOT).equals("all")) {
            return true;
        }
        if (text != null && text.toLowerCase(Locale.ROOT).equals("any")) {
            return false;
        }
        throw new InvalidStreamArgument(MATCH_TYPE, ErlangTerms.typed(v) + "; it must be 'any' or 'all'");
    }

    /** The filter values a published message carries in its headers (which may be null); empty when none. */
    public static Set<String> publishedValues(Map<String, Object> headers) {
        if (headers == null) {
            return Set.of();
        }
        String text = ErlangTerms.text(headers.get(FILTER_VALUE));
        return text == null ? Set.of() : new LinkedHashSet<>(split(text));
    }

    /** True when this consumer receives the message with these headers (which may be null). */
    public boolean matches(Map<String, Object> messageHeaders) {
        return matches(publishedValues(messageHeaders), messageHeaders);
    }

    /**
     * True when this consumer receives a message carrying these filter values (as {@link #publishedValues} reads
     * them, e.g. kept beside the message in the log) and these headers (which may be null).
     */
    public boolean matches(Set<String> filterValues, Map<String, Object> messageHeaders) {
        if (values.isEmpty() && headers.isEmpty()) {
            return true;
        }
        if (matchUnfiltered && filterValues.isEmpty()) {
            return true;
        }
        List<Boolean> results = new ArrayList<>(values.size() + headers.size());
        for (String v : values) {
            results.add(filterValues.contains(v));
        }
        for (Map.Entry<String, String> h : headers.entrySet()) {
            Object actual = messageHeaders == null ? null : messageHeaders.get(h.getKey());
            results.add(h.getValue().equals(headerText(actual)));
        }
        return matchAll ? !results.contains(false) : results.contains(true);
    }

    private static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String trimmed = part.strip();
            if (!trimmed.isEmpty()) {
                out.add(trimmed);
            }
        }
        return out;
    }

    private static String headerText(Object v) {
        String text = ErlangTerms.text(v);
        if (text != null) {
            return text;
        }
        if (ErlangTerms.isInteger(v)) {
            return Long.toString(((Number) v).longValue());
        }
        return v instanceof Boolean ? v.toString() : null;
    }
}
