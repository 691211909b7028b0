package io.warren.broker.queue.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.codec.LongString;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsumerGroupTest {
    private static final Map<String, Object> SAC_STREAM = Map.of("x-queue-type", "stream",
            "x-single-active-consumer", true);
    private static final Map<String, Object> PLAIN_STREAM = Map.of("x-queue-type", "stream");

    @Test
    void aConsumerNamingAGroupJoinsItOnAnyStream() {
        Map<String, Object> args = Map.of("x-stream-consumer-group", LongString.of("billing"));
        assertEquals(new ConsumerGroup("billing"), ConsumerGroup.of(args, PLAIN_STREAM));
        assertEquals(new ConsumerGroup("billing"), ConsumerGroup.of(args, SAC_STREAM));
        assertTrue(ConsumerGroup.of(args, PLAIN_STREAM).named());
        assertEquals("group:billing", ConsumerGroup.of(args, PLAIN_STREAM).trackingKey());
    }

    @Test
    void withoutAGroupNameASingleActiveConsumerStreamPutsEveryConsumerInOneGroup() {
        ConsumerGroup g = ConsumerGroup.of(Map.of(), SAC_STREAM);
        assertEquals(ConsumerGroup.STREAM, g);
        assertFalse(g.named());
    }

    @Test
    void withoutAGroupNameOnAPlainStreamEachConsumerReadsOnItsOwn() {
        assertNull(ConsumerGroup.of(Map.of(), PLAIN_STREAM));
        assertNull(ConsumerGroup.of(null, null));
        assertNull(ConsumerGroup.of(Map.of(), Map.of("x-single-active-consumer", false)));
    }

    @Test
    void aGroupNameMustBeAStringOf1To255Bytes() {
        InvalidStreamArgument type = assertThrows(InvalidStreamArgument.class,
                () -> ConsumerGroup.of(Map.of("x-stream-consumer-group", 7), PLAIN_STREAM));
        assertEquals("x-stream-consumer-group", type.argument());
        assertEquals("{unacceptable_type,signedint}; it must be a string naming the group", type.getMessage());
        InvalidStreamArgument empty = assertThrows(InvalidStreamArgument.class,
                () -> ConsumerGroup.of(Map.of("x-stream-consumer-group", ""), PLAIN_STREAM));
        assertEquals("{invalid_length,0}; a group name is 1 to 255 bytes", empty.getMessage());
        InvalidStreamArgument longName = assertThrows(InvalidStreamArgument.class,
                () -> ConsumerGroup.of(Map.of("x-stream-consumer-group", "é".repeat(128)), PLAIN_STREAM));
        assertEquals("{invalid_length,256}; a group name is 1 to 255 bytes", longName.getMessage());
        assertEquals(255, ConsumerGroup.of(Map.of("x-stream-consumer-group", "g".repeat(255)), PLAIN_STREAM)
                .name().length());
    }
}
