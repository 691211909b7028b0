package io.warren.broker.queue.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.warren.codec.LongString;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StreamFilterTest {
    private static Map<String, Object> message(Object filterValue, Object... headerPairs) {
        Map<String, Object> headers = new HashMap<>();
        if (filterValue != null) {
            headers.put("x-stream-filter-value", filterValue);
        }
        for (int i = 0; i < headerPairs.length; i += 2) {
            headers.put((String) headerPairs[i], headerPairs[i + 1]);
        }
        return headers;
    }

    private static Map<String, Object> table(Object... pairs) {
        Map<String, Object> t = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            t.put((String) pairs[i], pairs[i + 1]);
        }
        return t;
    }

    static Stream<Arguments> cases() {
        Map<String, Object> eu = Map.of("x-stream-filter", LongString.of("eu"));
        Map<String, Object> euOrUs = Map.of("x-stream-filter", List.of(LongString.of("eu"), LongString.of("us")));
        Map<String, Object> euAndUs = Map.of("x-stream-filter", LongString.of("eu, us"),
                "x-filter-match-type", LongString.of("ALL"));
        Map<String, Object> euOrUnfiltered = Map.of("x-stream-filter", "eu", "x-stream-match-unfiltered", true);
        Map<String, Object> byHeader = Map.of("x-stream-filter", table("region", LongString.of("eu"), "tier", 2));
        Map<String, Object> byHeaderAll = Map.of("x-stream-filter", table("region", "eu", "tier", 2),
                "x-filter-match-type", "all");
        Map<String, Object> valueInTable = Map.of("x-stream-filter", table("x-stream-filter", "eu,us", "vip", true),
                "x-filter-match-type", "all");
        return Stream.of(
                // one value: the message must carry it, among its own comma-separated values
                Arguments.of(eu, message(LongString.of("eu")), true),
                Arguments.of(eu, message(LongString.of("us")), false),
                Arguments.of(eu, message(LongString.of("us,eu")), true),
                Arguments.of(eu, message(LongString.of("europe")), false),
                Arguments.of(eu, message(null), false),
                Arguments.of(eu, null, false),
                Arguments.of(eu, message(42), false),                      // not a string: no filter value
                // several values from RabbitMQ's array: any one of them
                Arguments.of(euOrUs, message("us"), true),
                Arguments.of(euOrUs, message("asia"), false),
                // all of them, LavinMQ style
                Arguments.of(euAndUs, message("eu"), false),
                Arguments.of(euAndUs, message("us,eu"), true),
                // unfiltered messages too
                Arguments.of(euOrUnfiltered, message(null), true),
                Arguments.of(euOrUnfiltered, message(""), true),
                Arguments.of(euOrUnfiltered, message("us"), false),
                Arguments.of(euOrUnfiltered, message("eu"), true),
                // header conditions, compared as text
                Arguments.of(byHeader, message(null, "region", LongString.of("eu")), true),
                Arguments.of(byHeader, message(null, "tier", 2L), true),
                Arguments.of(byHeader, message(null, "tier", LongString.of("2")), true),
                Arguments.of(byHeader, message(null, "region", "us", "tier", 3), false),
                Arguments.of(byHeader, message(null, "tier", 2.0d), false),
                Arguments.of(byHeaderAll, message(null, "region", "eu"), false),
                Arguments.of(byHeaderAll, message(null, "region", "eu", "tier", (byte) 2), true),
                // filter values and headers together
                Arguments.of(valueInTable, message("eu,us", "vip", true), true),
                Arguments.of(valueInTable, message("eu", "vip", true), false),
                Arguments.of(valueInTable, message("eu,us", "vip", false), false));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void aConsumerReceivesExactlyTheMessagesItsFilterAsksFor(Map<String, Object> consumerArgs,
                                                             Map<String, Object> headers, boolean delivered) {
        StreamFilter filter = StreamFilter.from(consumerArgs);
        assertEquals(delivered, filter.matches(headers));
        assertEquals(delivered, filter.matches(StreamFilter.publishedValues(headers), headers));
    }

    @Test
    void withoutAFilterEveryMessageMatchesAndMatchUnfilteredAloneChangesNothing() {
        assertSame(StreamFilter.NONE, StreamFilter.from(Map.of()));
        assertSame(StreamFilter.NONE, StreamFilter.from(Map.of("x-stream-match-unfiltered", true)));
        Map<String, Object> explicitNull = new HashMap<>();
        explicitNull.put("x-stream-filter", null);
        assertSame(StreamFilter.NONE, StreamFilter.from(explicitNull));
        assertEquals(true, StreamFilter.NONE.matches(message("anything")));
        assertEquals(true, StreamFilter.NONE.matches(null));
    }

    @Test
    void aPublishersValuesAreSplitOnCommasAndTrimmed() {
        assertEquals(Set.of("a", "b", "c"), StreamFilter.publishedValues(message(LongString.of(" a,b ,,c"))));
        assertEquals(Set.of(), StreamFilter.publishedValues(message(null)));
        assertEquals(Set.of(), StreamFilter.publishedValues(null));
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("x-stream-filter", 5, "{unacceptable_type,signedint}; it must be a string, an array of "
                        + "strings or a table"),
                Arguments.of("x-stream-filter", List.of("a", 1), "{unacceptable_type,signedint} in the array; its "
                        + "items must be strings"),
                Arguments.of("x-stream-filter", table("price", 1.5d), "{unacceptable_type,double} for header 'price'; "
                        + "header values must be strings, integers or booleans"),
                Arguments.of("x-stream-filter", LongString.of(" , "),
                        "{longstr,<<\" , \">>}; it names no filter value"),
                Arguments.of("x-stream-filter", List.of(), "{array,[]}; it names no filter value"),
                Arguments.of("x-filter-match-type", LongString.of("most"), "{longstr,<<\"most\">>}; it must be 'any' "
                        + "or 'all'"),
                Arguments.of("x-filter-match-type", true, "{bool,true}; it must be 'any' or 'all'"),
                Arguments.of("x-stream-match-unfiltered", LongString.of("true"), "{unacceptable_type,longstr}; it "
                        + "must be a boolean"));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void unusableFilterArgumentsAreRefusedNamingTheArgument(String argument, Object value, String reason) {
        Map<String, Object> args = new HashMap<>();
        args.put("x-stream-filter", "eu");
        args.put(argument, value);
        InvalidStreamArgument e = assertThrows(InvalidStreamArgument.class, () -> StreamFilter.from(args));
        assertEquals(argument, e.argument());
        assertEquals(reason, e.getMessage());
    }
}
