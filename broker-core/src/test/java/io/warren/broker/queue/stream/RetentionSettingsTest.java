package io.warren.broker.queue.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.codec.LongString;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RetentionSettingsTest {
    @Test
    void aStreamWithoutLimitsKeepsEverythingInSegmentsOfRabbitMqsDefaultSize() {
        RetentionSettings r = RetentionSettings.from(Map.of(), null);
        assertEquals(new RetentionSettings(-1, -1, -1, 500_000_000L), r);
        assertFalse(r.limited());
    }

    @Test
    void argumentsSetEachLimit() {
        RetentionSettings r = RetentionSettings.from(Map.of("x-max-length-bytes", 20_000_000_000L,
                "x-max-age", LongString.of("7D"), "x-max-length", 1000,
                "x-stream-max-segment-size-bytes", 100_000_000), null);
        assertEquals(new RetentionSettings(20_000_000_000L, 7L * 24 * 3_600_000, 1000, 100_000_000), r);
        assertTrue(r.limited());
    }

    @Test
    void aPolicyOverridesTheStreamsOwnArgumentsAsForRabbitMqStreams() {
        Map<String, Object> policy = Map.of("max-length-bytes", 5_000L, "max-age", "12h", "max-length", 10L,
                "stream-max-segment-size-bytes", 1_000_000L);
        RetentionSettings r = RetentionSettings.from(Map.of("x-max-length-bytes", 1_000, "x-max-age", "1h",
                "x-max-length", 5, "x-stream-max-segment-size-bytes", 2_000_000), policy);
        assertEquals(new RetentionSettings(5_000, 12 * 3_600_000L, 10, 1_000_000), r);
    }

    @Test
    void aPolicyFillsInWhatTheArgumentsLeaveOutAndLeavesTheRest() {
        RetentionSettings r = RetentionSettings.from(Map.of("x-max-length-bytes", 1_000),
                Map.of("max-age", "30m", "message-ttl", 5L));
        assertEquals(new RetentionSettings(1_000, 1_800_000, -1, 500_000_000L), r);
    }

    @Test
    void policyValuesOfTheWrongShapeAreIgnoredSinceThePolicyWasCheckedWhenSet() {
        RetentionSettings r = RetentionSettings.from(Map.of("x-max-age", "1h"),
                Map.of("max-age", "soon", "max-length-bytes", "big"));
        assertEquals(new RetentionSettings(-1, 3_600_000, -1, 500_000_000L), r);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("x-max-age", LongString.of("7d"), "invalid_max_age"),
                Arguments.of("x-max-age", "0D", "invalid_max_age"),
                Arguments.of("x-max-age", "10", "invalid_max_age"),
                Arguments.of("x-max-age", 3600, "{unacceptable_type,signedint}"),
                Arguments.of("x-max-age", null, "{unacceptable_type,void}"),
                Arguments.of("x-max-length-bytes", -1, "{value_negative,-1}"),
                Arguments.of("x-max-length-bytes", "1GB", "\"expected integer, got longstr\""),
                Arguments.of("x-max-length", 2.0d, "\"expected integer, got double\""),
                Arguments.of("x-max-length", -5L, "{value_negative,-5}"),
                Arguments.of("x-stream-max-segment-size-bytes", true, "\"expected integer, got bool\""),
                Arguments.of("x-stream-max-segment-size-bytes", -100, "{value_negative,-100}"));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void unusableArgumentsAreRefusedWithRabbitMqsReasons(String argument, Object value, String reason) {
        Map<String, Object> args = new HashMap<>();
        args.put(argument, value);
        InvalidStreamArgument e = assertThrows(InvalidStreamArgument.class, () -> RetentionSettings.from(args, null));
        assertEquals(argument, e.argument());
        assertEquals(reason, e.getMessage());
        assertEquals("PRECONDITION_FAILED - invalid arg '" + argument + "' for queue 's' in vhost 'v': " + reason,
                e.toReply("s", "v").getMessage());
    }
}
