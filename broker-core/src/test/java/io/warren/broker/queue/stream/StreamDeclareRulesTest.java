package io.warren.broker.queue.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.warren.broker.error.AmqpException;
import io.warren.codec.LongString;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StreamDeclareRulesTest {
    private static final Map<String, Object> STREAM = Map.of("x-queue-type", LongString.of("stream"));

    private static Map<String, Object> streamWith(String key, Object value) {
        Map<String, Object> args = new HashMap<>(STREAM);
        args.put(key, value);
        return args;
    }

    private static AmqpException refusal(boolean durable, boolean exclusive, boolean autoDelete,
                                         Map<String, Object> args) {
        return assertThrows(AmqpException.class,
                () -> StreamDeclareRules.check("events", "/", durable, exclusive, autoDelete, args, null));
    }

    @Test
    void aDurableStreamWithRetentionIsAcceptedAndGetsItsRetention() {
        Map<String, Object> args = streamWith("x-max-age", LongString.of("7D"));
        args.put("x-max-length-bytes", 20_000_000_000L);
        args.put("x-stream-max-segment-size-bytes", 3_000_000_000L);
        args.put("x-single-active-consumer", true);
        args.put("x-queue-leader-locator", LongString.of("client-local"));
        args.put("x-initial-cluster-size", 3);
        args.put("x-stream-filter-size-bytes", 32);
        RetentionSettings r = StreamDeclareRules.check("events", "/", true, false, false, args, null);
        assertEquals(new RetentionSettings(20_000_000_000L, 7L * 24 * 3_600_000, -1, 3_000_000_000L), r);
    }

    @Test
    void thePolicysRetentionIsReturned() {
        RetentionSettings r = StreamDeclareRules.check("events", "/", true, false, false, STREAM,
                Map.of("max-age", "1h"));
        assertEquals(3_600_000, r.maxAgeMillis());
    }

    static Stream<Arguments> properties() {
        return Stream.of(
                Arguments.of(true, false, true, "invalid property 'auto-delete' for queue 'events' in vhost '/'"),
                Arguments.of(true, true, false, "invalid property 'exclusive-owner' for queue 'events' in vhost '/'"),
                Arguments.of(false, false, false, "invalid property 'non-durable' for queue 'events' in vhost '/'"),
                // RabbitMQ checks auto-delete, then exclusive, then durable
                Arguments.of(false, true, true, "invalid property 'auto-delete' for queue 'events' in vhost '/'"),
                Arguments.of(false, true, false, "invalid property 'exclusive-owner' for queue 'events' in vhost '/'"));
    }

    @ParameterizedTest
    @MethodSource("properties")
    void aStreamMustBeDurableNotExclusiveAndNotAutoDeleteAsRabbitMqWordsIt(boolean durable, boolean exclusive,
                                                                          boolean autoDelete, String text) {
        AmqpException e = refusal(durable, exclusive, autoDelete, STREAM);
        assertEquals(406, e.replyCode());
        assertFalse(e.isConnectionLevel());
        assertEquals("PRECONDITION_FAILED - " + text, e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("io.warren.broker.queue.stream.StreamDeclareRulesTest#classicOnly")
    void argumentsOfOtherQueueTypesAreRefusedByNameAsRabbitMqRefusesThem(String argument, Object value) {
        AmqpException e = refusal(true, false, false, streamWith(argument, value));
        assertEquals(406, e.replyCode());
        assertEquals("PRECONDITION_FAILED - invalid arg '" + argument + "' for queue 'events' in vhost '/' "
                + "of queue type rabbit_stream_queue", e.getMessage());
    }

    static Stream<Arguments> classicOnly() {
        return Stream.of(
                Arguments.of("x-expires", 60_000),
                Arguments.of("x-message-ttl", 1_000),
                Arguments.of("x-dead-letter-exchange", LongString.of("dlx")),
                Arguments.of("x-dead-letter-routing-key", LongString.of("dead")),
                Arguments.of("x-dead-letter-strategy", LongString.of("at-least-once")),
                Arguments.of("x-max-priority", 10),
                Arguments.of("x-overflow", LongString.of("reject-publish")),
                Arguments.of("x-delivery-limit", 5),
                Arguments.of("x-queue-mode", LongString.of("lazy")),
                Arguments.of("x-queue-version", 2),
                Arguments.of("x-queue-master-locator", LongString.of("min-masters")),
                Arguments.of("x-quorum-initial-group-size", 3),
                Arguments.of("x-quorum-target-group-size", 3),
                Arguments.of("x-max-in-memory-length", 10),
                Arguments.of("x-max-in-memory-bytes", 10),
                Arguments.of("x-message-deduplication", true));
    }

    @Test
    void argumentsNoQueueTypeKnowsAreLeftAlone() {
        StreamDeclareRules.check("events", "/", true, false, false, streamWith("x-app-owner", LongString.of("me")),
                null);
    }

    @Test
    void aServerNamedStreamIsRefusedBeforeAnythingElse() {
        AmqpException e = assertThrows(AmqpException.class, () -> StreamDeclareRules.check("", "/", false, true, true,
                streamWith("x-message-ttl", 5), null));
        assertEquals(406, e.replyCode());
        assertEquals("PRECONDITION_FAILED - Cannot declare a server-named queue for type rabbit_stream_queue",
                e.getMessage());
    }

    @Test
    void valueErrorsComeBeforeRefusedArgumentsAsInRabbitMq() {
        Map<String, Object> args = streamWith("x-overflow", LongString.of("reject-publish"));
        args.put("x-max-length-bytes", -1);
        AmqpException e = refusal(true, false, false, args);
        assertEquals("PRECONDITION_FAILED - invalid arg 'x-max-length-bytes' for queue 'events' in vhost '/': "
                + "{value_negative,-1}", e.getMessage());
    }

    @Test
    void refusedArgumentsComeBeforePropertyErrors() {
        AmqpException e = refusal(false, false, true, streamWith("x-expires", 1000));
        assertEquals("PRECONDITION_FAILED - invalid arg 'x-expires' for queue 'events' in vhost '/' "
                + "of queue type rabbit_stream_queue", e.getMessage());
    }

    @Test
    void argumentErrorsComeBeforePropertyErrorsAsInRabbitMq() {
        AmqpException e = refusal(false, true, true, streamWith("x-max-age", LongString.of("forever")));
        assertEquals("PRECONDITION_FAILED - invalid arg 'x-max-age' for queue 'events' in vhost '/': invalid_max_age",
                e.getMessage());
    }

    @Test
    void aSegmentSizeOverRabbitMqsMaximumIsRefusedWithItsText() {
        AmqpException e = refusal(true, false, false, streamWith("x-stream-max-segment-size-bytes", 3_000_000_001L));
        assertEquals(406, e.replyCode());
        assertEquals("PRECONDITION_FAILED - Exceeded max value for x-stream-max-segment-size-bytes", e.getMessage());
    }

    @Test
    void aFilterSizeOutside16To255IsRefusedWithRabbitMqsText() {
        for (int size : new int[] {15, 256, 0}) {
            AmqpException e = refusal(true, false, false, streamWith("x-stream-filter-size-bytes", size));
            assertEquals("PRECONDITION_FAILED - Invalid value for  x-stream-filter-size-bytes", e.getMessage());
        }
        for (int size : new int[] {16, 255}) {
            StreamDeclareRules.check("events", "/", true, false, false, streamWith("x-stream-filter-size-bytes", size),
                    null);
        }
    }

    @Test
    void aFilterSizeThatIsNotAnIntegerIsRefusedAsAnArgument() {
        AmqpException e = refusal(true, false, false, streamWith("x-stream-filter-size-bytes", LongString.of("32")));
        assertEquals("PRECONDITION_FAILED - invalid arg 'x-stream-filter-size-bytes' for queue 'events' in vhost '/': "
                + "\"expected integer, got longstr\"", e.getMessage());
    }

    @Test
    void singleActiveConsumerMustBeABoolean() {
        AmqpException e = refusal(true, false, false, streamWith("x-single-active-consumer", LongString.of("yes")));
        assertEquals("PRECONDITION_FAILED - invalid arg 'x-single-active-consumer' for queue 'events' in vhost '/': "
                + "{unacceptable_type,longstr}", e.getMessage());
    }
}
