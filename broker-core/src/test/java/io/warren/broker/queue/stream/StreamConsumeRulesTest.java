package io.warren.broker.queue.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.broker.error.AmqpException;
import io.warren.codec.LongString;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StreamConsumeRulesTest {
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(1_000_000_000L), ZoneOffset.UTC);

    private static StreamConsumerArguments consume(int prefetch, int global, boolean noAck, Map<String, Object> args) {
        return StreamConsumeRules.checkConsume("events", "/", "reader-1", prefetch, global, noAck, args, Map.of(),
                CLOCK);
    }

    private static AmqpException refusal(int prefetch, int global, boolean noAck, Map<String, Object> args) {
        return assertThrows(AmqpException.class, () -> consume(prefetch, global, noAck, args));
    }

    @Test
    void aConsumerWithAPrefetchAndManualAcksGetsItsArgumentsRead() {
        StreamConsumerArguments a = consume(100, 0, false, Map.of("x-stream-offset", LongString.of("first"),
                "x-stream-filter", LongString.of("eu"), "x-stream-consumer-group", LongString.of("billing"),
                "x-stream-automatic-offset-tracking", true));
        assertEquals(new StreamOffsetSpec.First(), a.start());
        assertEquals(Set.of("eu"), a.filter().values());
        assertEquals(new ConsumerGroup("billing"), a.group());
        assertEquals("group:billing", a.tracking().key());
    }

    @Test
    void aConsumerWithoutArgumentsReadsNewMessagesUnfilteredOnItsOwnUntracked() {
        StreamConsumerArguments a = consume(1, 0, false, Map.of());
        assertEquals(new StreamOffsetSpec.Next(), a.start());
        assertEquals(StreamFilter.NONE, a.filter());
        assertNull(a.group());
        assertFalse(a.tracking().enabled());
    }

    @Test
    void withoutAPrefetchTheConsumeIsRefusedWith406AsRabbitMqWordsIt() {
        AmqpException e = refusal(0, 0, false, Map.of());
        assertEquals(406, e.replyCode());
        assertFalse(e.isConnectionLevel());
        assertEquals("PRECONDITION_FAILED - consumer prefetch count is not set for stream queue 'events' in vhost '/'",
                e.getMessage());
    }

    @Test
    void automaticAcknowledgementIsRefusedWith540ClosingTheConnection() {
        AmqpException e = refusal(10, 0, true, Map.of());
        assertEquals(540, e.replyCode());
        assertTrue(e.isConnectionLevel());
        assertEquals("NOT_IMPLEMENTED - automatic acknowledgement not supported by stream queue 'events' in vhost '/'",
                e.getMessage());
    }

    @Test
    void aChannelWidePrefetchIsRefusedWith540() {
        AmqpException e = refusal(10, 50, false, Map.of());
        assertEquals(540, e.replyCode());
        assertTrue(e.isConnectionLevel());
        assertEquals("NOT_IMPLEMENTED - queue 'events' in vhost '/' does not support global qos", e.getMessage());
    }

    @Test
    void checksRunInRabbitMqsOrderArgumentsThenPrefetchThenAcksThenGlobalQos() {
        assertTrue(refusal(0, 5, true, Map.of("x-stream-offset", LongString.of("soon"))).getMessage()
                .contains("invalid arg 'x-stream-offset'"));
        assertEquals(406, refusal(0, 5, true, Map.of()).replyCode());
        assertTrue(refusal(10, 5, true, Map.of()).getMessage().contains("automatic acknowledgement"));
    }

    @Test
    void everyArgumentErrorBecomesA406NamingTheQueue() {
        Map<String, Map<String, Object>> cases = Map.of(
                "x-stream-offset", Map.of("x-stream-offset", 1.5d),
                "x-stream-filter", Map.of("x-stream-filter", 7),
                "x-filter-match-type", Map.of("x-stream-filter", "a", "x-filter-match-type", "most"),
                "x-stream-match-unfiltered", Map.of("x-stream-filter", "a", "x-stream-match-unfiltered", 1),
                "x-stream-consumer-group", Map.of("x-stream-consumer-group", 1),
                "x-stream-automatic-offset-tracking", Map.of("x-stream-automatic-offset-tracking", 1));
        cases.forEach((argument, args) -> {
            AmqpException e = refusal(10, 0, false, args);
            assertEquals(406, e.replyCode(), argument);
            assertTrue(e.getMessage().startsWith("PRECONDITION_FAILED - invalid arg '" + argument
                    + "' for queue 'events' in vhost '/': "), e.getMessage());
        });
    }

    @Test
    void consumerArgumentsOfOtherQueueTypesAreRefusedAsRabbitMqRefusesThem() {
        for (String argument : new String[] {"x-priority", "x-cancel-on-ha-failover"}) {
            AmqpException e = refusal(10, 0, false, Map.of(argument, 10));
            assertEquals(406, e.replyCode());
            assertEquals("PRECONDITION_FAILED - invalid arg '" + argument + "' for queue 'events' in vhost '/' "
                    + "of queue type rabbit_stream_queue", e.getMessage());
        }
        // after the stream's own arguments' values, before the prefetch
        assertTrue(refusal(0, 0, false, Map.of("x-priority", 1, "x-stream-offset", true)).getMessage()
                .contains("invalid_stream_offset_arg"));
        assertTrue(refusal(0, 0, false, Map.of("x-priority", 1)).getMessage().contains("'x-priority'"));
    }

    @Test
    void basicGetIsRefusedWith540AsRabbitMqWordsIt() {
        AmqpException e = StreamConsumeRules.refuseGet("events", "/");
        assertEquals(540, e.replyCode());
        assertTrue(e.isConnectionLevel());
        assertEquals("NOT_IMPLEMENTED - basic.get not supported by stream queues queue 'events' in vhost '/'",
                e.getMessage());
    }
}
