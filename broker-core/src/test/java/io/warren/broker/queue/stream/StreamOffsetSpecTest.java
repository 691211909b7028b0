package io.warren.broker.queue.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.warren.codec.LongString;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StreamOffsetSpecTest {
    private static final long NOW = 1_700_000_000_000L;
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);

    /** A log holding offsets 100..199 whose messages were published one second apart from T0, last chunk at 190. */
    private static final long T0 = NOW - 3_600_000;
    private static final StreamPositions LOG = new StreamPositions() {
        @Override
        public long firstOffset() {
            return 100;
        }

        @Override
        public long lastOffset() {
            return 190;
        }

        @Override
        public long nextOffset() {
            return 200;
        }

        @Override
        public long offsetAt(long epochMillis) {
            long secondsIn = Math.max(0, (epochMillis - T0 + 999) / 1000);
            return Math.min(200, 100 + secondsIn);
        }
    };

    private static final StreamPositions EMPTY = new StreamPositions() {
        @Override
        public long firstOffset() {
            return 7;
        }

        @Override
        public long lastOffset() {
            return 7;
        }

        @Override
        public long nextOffset() {
            return 7;
        }

        @Override
        public long offsetAt(long epochMillis) {
            return 7;
        }
    };

    private static StreamOffsetSpec parse(Object value) {
        Map<String, Object> args = new HashMap<>();
        args.put("x-stream-offset", value);
        return StreamOffsetSpec.parse(args, CLOCK);
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of(LongString.of("first"), new StreamOffsetSpec.First(), 100L),
                Arguments.of("last", new StreamOffsetSpec.Last(), 190L),
                Arguments.of(LongString.of("next"), new StreamOffsetSpec.Next(), 200L),
                Arguments.of(150, new StreamOffsetSpec.Offset(150), 150L),
                Arguments.of(150L, new StreamOffsetSpec.Offset(150), 150L),
                Arguments.of((short) 0, new StreamOffsetSpec.Offset(0), 100L),      // before the first: clamped
                Arguments.of((byte) 120, new StreamOffsetSpec.Offset(120), 120L),
                Arguments.of(5_000L, new StreamOffsetSpec.Offset(5_000), 200L),     // past the end: next
                Arguments.of(-1, new StreamOffsetSpec.FromEnd(1), 199L),            // the newest message
                Arguments.of(-10L, new StreamOffsetSpec.FromEnd(10), 190L),
                Arguments.of(-1_000, new StreamOffsetSpec.FromEnd(1_000), 100L),    // more than there are: first
                Arguments.of(Long.MIN_VALUE, new StreamOffsetSpec.FromEnd(Long.MAX_VALUE), 100L),
                Arguments.of(new Date(T0 + 30_000), new StreamOffsetSpec.Timestamp(T0 + 30_000), 130L),
                Arguments.of(new Date(0), new StreamOffsetSpec.Timestamp(0), 100L),
                Arguments.of(new Date(NOW + 60_000), new StreamOffsetSpec.Timestamp(NOW + 60_000), 200L),
                Arguments.of(LongString.of("1h"), new StreamOffsetSpec.Timestamp(NOW - 3_600_000), 100L),
                Arguments.of("30m", new StreamOffsetSpec.Timestamp(NOW - 1_800_000), 200L),
                Arguments.of("7D", new StreamOffsetSpec.Timestamp(NOW - 7L * 24 * 3_600_000), 100L),
                Arguments.of("3590s", new StreamOffsetSpec.Timestamp(NOW - 3_590_000), 110L));
    }

    @ParameterizedTest
    @MethodSource("accepted")
    void eachFormOfTheArgumentStartsWhereItSays(Object value, StreamOffsetSpec spec, long start) {
        StreamOffsetSpec parsed = parse(value);
        assertEquals(spec, parsed);
        assertEquals(start, parsed.resolve(LOG));
    }

    @Test
    void withoutTheArgumentAConsumerReadsOnlyNewMessages() {
        assertEquals(new StreamOffsetSpec.Next(), StreamOffsetSpec.parse(Map.of(), CLOCK));
        assertEquals(new StreamOffsetSpec.Next(), StreamOffsetSpec.parse(null, CLOCK));
        assertEquals(200, StreamOffsetSpec.parse(Map.of(), CLOCK).resolve(LOG));
    }

    @Test
    void anExplicitNullStartsAtTheFirstMessage() {
        assertEquals(new StreamOffsetSpec.First(), parse(null));
    }

    @Test
    void onAnEmptyLogEveryFormStartsAtTheNextOffset() {
        for (Object value : List.of("first", "last", "next", 0, 3, 99, -5, new Date(0), "1h")) {
            assertEquals(7, parse(value).resolve(EMPTY), () -> "x-stream-offset " + value);
        }
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of(LongString.of("foo"), "{invalid_stream_offset_arg,{longstr,<<\"foo\">>}}"),
                Arguments.of("First", "{invalid_stream_offset_arg,{longstr,<<\"First\">>}}"),
                Arguments.of("0h", "{invalid_stream_offset_arg,{longstr,<<\"0h\">>}}"),
                Arguments.of("10", "{invalid_stream_offset_arg,{longstr,<<\"10\">>}}"),
                Arguments.of("", "{invalid_stream_offset_arg,{longstr,<<>>}}"),
                Arguments.of(true, "{invalid_stream_offset_arg,{bool,true}}"),
                Arguments.of(1.5d, "{invalid_stream_offset_arg,{double,1.5}}"),
                Arguments.of(new byte[] {1, 2}, "{invalid_stream_offset_arg,{binary,<<1,2>>}}"),
                Arguments.of(List.of(LongString.of("first")),
                        "{invalid_stream_offset_arg,{array,[{longstr,<<\"first\">>}]}}"),
                Arguments.of(Map.of("a", 1), "{invalid_stream_offset_arg,{table,[{<<\"a\">>,signedint,1}]}}"));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void otherValuesAreRefusedNamingTheArgumentAndValueAsRabbitMqDoes(Object value, String reason) {
        InvalidStreamArgument e = assertThrows(InvalidStreamArgument.class, () -> parse(value));
        assertEquals("x-stream-offset", e.argument());
        assertEquals(reason, e.getMessage());
        var reply = e.toReply("events", "/");
        assertEquals(406, reply.replyCode());
        assertEquals("PRECONDITION_FAILED - invalid arg 'x-stream-offset' for queue 'events' in vhost '/': "
                + reason, reply.getMessage());
    }
}
