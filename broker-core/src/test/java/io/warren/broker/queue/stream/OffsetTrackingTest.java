package io.warren.broker.queue.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.warren.codec.LongString;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OffsetTrackingTest {
    private static final Object ABSENT = new Object();
    private static final ConsumerGroup BILLING = new ConsumerGroup("billing");

    private static Map<String, Object> args(Object offset, Object tracking) {
        Map<String, Object> args = new HashMap<>();
        if (offset != ABSENT) {
            args.put("x-stream-offset", offset);
        }
        if (tracking != ABSENT) {
            args.put("x-stream-automatic-offset-tracking", tracking);
        }
        return args;
    }

    static Stream<Arguments> decisions() {
        return Stream.of(
                // x-stream-offset null with a tag of the client's own: tracked under the tag
                Arguments.of(null, ABSENT, "reader-1", null, "tag:reader-1"),
                // ... or under the group's name when the consumer names one
                Arguments.of(null, ABSENT, "reader-1", BILLING, "group:billing"),
                Arguments.of(null, ABSENT, "amq.ctag-x1", BILLING, "group:billing"),
                // a null offset with a generated tag just starts at the first message, untracked (LavinMQ)
                Arguments.of(null, ABSENT, "amq.ctag-x1", null, null),
                Arguments.of(null, ABSENT, "", null, null),
                Arguments.of(null, ABSENT, "amq.ctag-x1", ConsumerGroup.STREAM, null),
                // asking explicitly, with any start
                Arguments.of(LongString.of("first"), true, "reader-1", null, "tag:reader-1"),
                Arguments.of(ABSENT, true, "reader-1", null, "tag:reader-1"),
                Arguments.of(ABSENT, LongString.of("true"), "reader-1", null, "tag:reader-1"),
                Arguments.of(5, true, "reader-1", ConsumerGroup.STREAM, "tag:reader-1"),
                Arguments.of(ABSENT, true, "amq.ctag-x1", BILLING, "group:billing"),
                // not asked
                Arguments.of(ABSENT, ABSENT, "reader-1", null, null),
                Arguments.of(LongString.of("next"), ABSENT, "reader-1", BILLING, null),
                Arguments.of(ABSENT, false, "reader-1", null, null),
                Arguments.of(null, false, "reader-1", null, "tag:reader-1"),
                Arguments.of(ABSENT, LongString.of("false"), "reader-1", null, null));
    }

    @ParameterizedTest
    @MethodSource("decisions")
    void trackingIsOnWhenAskedForWithANameToResumeUnder(Object offset, Object tracking, String tag,
                                                       ConsumerGroup group, String key) {
        OffsetTracking t = OffsetTracking.of(args(offset, tracking), tag, group);
        assertEquals(key, t.key());
        assertEquals(key != null, t.enabled());
    }

    @Test
    void askingForTrackingWithAGeneratedTagAndNoGroupIsRefusedBecauseNothingCouldResume() {
        for (String tag : new String[] {"amq.ctag-123", "", null}) {
            InvalidStreamArgument e = assertThrows(InvalidStreamArgument.class,
                    () -> OffsetTracking.of(args(ABSENT, true), tag, null));
            assertEquals("x-stream-automatic-offset-tracking", e.argument());
            assertEquals("true; automatic offset tracking needs a consumer tag chosen by the client (or a consumer "
                    + "group), so that it can resume under the same name", e.getMessage());
        }
    }

    @Test
    void theTrackingArgumentMustBeABooleanOrItsText() {
        InvalidStreamArgument e = assertThrows(InvalidStreamArgument.class,
                () -> OffsetTracking.of(args(ABSENT, 1), "reader-1", null));
        assertEquals("{signedint,1}; it must be a boolean", e.getMessage());
        InvalidStreamArgument text = assertThrows(InvalidStreamArgument.class,
                () -> OffsetTracking.of(args(ABSENT, LongString.of("yes")), "reader-1", null));
        assertEquals("{longstr,<<\"yes\">>}; it must be a boolean", text.getMessage());
    }

    @Test
    void offIsOff() {
        assertFalse(OffsetTracking.OFF.enabled());
    }
}
