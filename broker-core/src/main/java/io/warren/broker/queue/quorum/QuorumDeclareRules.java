package io.warren.broker.queue.quorum;

import static io.warren.codec.ReplyCodes.PRECONDITION_FAILED;

import io.warren.broker.error.AmqpException;
import io.warren.broker.queue.QueueTypeProperties;
import io.warren.broker.queue.InvalidQueueArgument;
import io.warren.broker.queue.QueueSettings;
import io.warren.broker.queue.QueueType;
import io.warren.broker.queue.quorum.QuorumSettings.DeadLetterStrategy;
import io.warren.codec.FieldTables;
import io.warren.codec.LongString;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a queue.declare of a quorum queue (x-queue-type "quorum") must satisfy, checked in RabbitMQ 4's order with
 * its 406 PRECONDITION_FAILED texts: a name (no server-named quorum queues), the values of the arguments a quorum
 * queue takes (rabbit_amqqueue's declare checks, limited to rabbit_quorum_queue's queue_arguments), the arguments
 * only other queue types take ("invalid arg 'x-max-priority' for queue 'q' in vhost '/' of queue type
 * rabbit_quorum_queue"), then the properties (auto-delete, exclusive, non-durable).
 *
 * <p>As in RabbitMQ, x-overflow {@code reject-publish-dlx} is accepted with a warning and acts as
 * {@code drop-head}, x-max-in-memory-length and -bytes are accepted (and do nothing in Warren), and arguments no
 * queue type knows are left alone.
 */
public final class QuorumDeclareRules {
    /** The queue type's name in RabbitMQ's texts. */
    public static final String TYPE = "rabbit_quorum_queue";
    /** RabbitMQ 4's delivery limit for a quorum queue that sets none. */
    public static final long DEFAULT_DELIVERY_LIMIT = 20;
    public static final String INITIAL_GROUP_SIZE = "x-quorum-initial-group-size";
    public static final String DELIVERY_LIMIT = "x-delivery-limit";
    public static final String DEAD_LETTER_STRATEGY = "x-dead-letter-strategy";
    public static final String LEADER_LOCATOR = "x-queue-leader-locator";
    public static final String OVERFLOW = "x-overflow";

    /** Arguments of classic queues and streams that a quorum queue refuses by name (RabbitMQ 4). */
    public static final Set<String> REFUSED_ARGUMENTS = Set.of("x-max-priority", "x-queue-mode", "x-queue-version",
            "x-queue-master-locator", "x-max-age", "x-stream-max-segment-size-bytes", "x-initial-cluster-size");

    /** The arguments a redeclaration must repeat unchanged: rabbit_quorum_queue's queue_arguments. */
    public static final Set<String> EQUIVALENCE = Set.of("x-dead-letter-exchange", "x-dead-letter-routing-key",
            DEAD_LETTER_STRATEGY, "x-expires", "x-max-length", "x-max-length-bytes", "x-max-in-memory-length",
            "x-max-in-memory-bytes", OVERFLOW, "x-single-active-consumer", QueueType.ARGUMENT, INITIAL_GROUP_SIZE,
            DELIVERY_LIMIT, "x-message-ttl", LEADER_LOCATOR);

    /** The x-queue-leader-locator values RabbitMQ accepts (the last two are its deprecated spellings). */
    public static final List<String> LEADER_LOCATORS = List.of("client-local", "balanced", "random",
            "least-leaders");

    private static final Logger LOG = LoggerFactory.getLogger(QuorumDeclareRules.class);

    private QuorumDeclareRules() {
    }

    /** True when these declare arguments ask for a quorum queue (without refusing a malformed x-queue-type). */
    public static boolean isQuorum(Map<String, Object> arguments) {
        Object type = arguments == null ? null : arguments.get(QueueType.ARGUMENT);
        return (type instanceof LongString || type instanceof String)
                && QueueType.QUORUM.argument().equals(type.toString());
    }

    /**
     * Refuses a quorum queue declaration RabbitMQ 4 would refuse, with its reply; returns what the arguments ask
     * for. queue is the name as declared (empty for a server-named queue).
     */
    public static QuorumSettings check(String queue, String vhost, boolean durable, boolean exclusive,
                                       boolean autoDelete, Map<String, Object> arguments) {
        if (queue.isEmpty()) {
            // a quorum queue outlives its declaring connection, so a generated name nobody knows would be lost
            throw AmqpException.channel(PRECONDITION_FAILED, "Cannot declare a server-named queue for type %s", TYPE);
        }
        QuorumSettings settings = checkArguments(queue, vhost, arguments);
        QueueTypeProperties.check(queue, vhost, durable, exclusive, autoDelete);
        return settings;
    }

    /**
     * The argument checks alone: the values of the quorum queue's own arguments (an {@link InvalidQueueArgument}
     * reply), then the other types' arguments by name. A redeclaration goes through these before it is compared.
     */
    public static QuorumSettings checkArguments(String queue, String vhost, Map<String, Object> arguments) {
        Map<String, Object> args = arguments == null ? Map.of() : arguments;
        QuorumSettings settings;
        try {
            settings = values(queue, vhost, args);
        } catch (InvalidQueueArgument e) {
            throw e.toReply(queue, vhost);
        }
        for (String key : args.keySet()) {
            if (REFUSED_ARGUMENTS.contains(key)) {
                throw AmqpException.channel(PRECONDITION_FAILED,
                        "invalid arg '%s' for queue '%s' in vhost '%s' of queue type %s", key, queue, vhost, TYPE);
            }
        }
        return settings;
    }

    private static QuorumSettings values(String queue, String vhost, Map<String, Object> args) {
        // the limits, TTLs and dead-letter exchange read as for any queue; the delivery limit may be negative here
        Map<String, Object> common = new HashMap<>(args);
        common.remove(DELIVERY_LIMIT);
        QueueSettings lifecycle = QueueSettings.from(common);
        DeadLetterStrategy strategy = deadLetterStrategy(args.get(DEAD_LETTER_STRATEGY));
        nonNegative(args, "x-max-in-memory-length");
        nonNegative(args, "x-max-in-memory-bytes");
        int groupSize = initialGroupSize(args.get(INITIAL_GROUP_SIZE));
        String locator = leaderLocator(args.get(LEADER_LOCATOR));
        long deliveryLimit = deliveryLimit(args.get(DELIVERY_LIMIT));
        QueueSettings.Overflow overflow = lifecycle.overflow();
        if (overflow == QueueSettings.Overflow.REJECT_PUBLISH_DLX) {
            LOG.warn("queue '{}' in vhost '{}': x-overflow 'reject-publish-dlx' is not supported by quorum queues; "
                    + "it acts as 'drop-head', as in RabbitMQ", queue, vhost);
            overflow = QueueSettings.Overflow.DROP_HEAD;
        }
        lifecycle = new QueueSettings(lifecycle.messageTtl(), lifecycle.expires(), lifecycle.deadLetterExchange(),
                lifecycle.deadLetterRoutingKey(), lifecycle.maxLength(), lifecycle.maxLengthBytes(), overflow,
                deliveryLimit);
        return new QuorumSettings(lifecycle, groupSize, strategy, locator);
    }

    private static DeadLetterStrategy deadLetterStrategy(Object v) {
        if (v == null) {
            return DeadLetterStrategy.AT_MOST_ONCE;
        }
        String text = string(DEAD_LETTER_STRATEGY, v);
        DeadLetterStrategy s = DeadLetterStrategy.of(text);
        if (s == null) {
            throw new InvalidQueueArgument(DEAD_LETTER_STRATEGY, "invalid_dlx_strategy");
        }
        return s;
    }

    private static int initialGroupSize(Object v) {
        if (v == null) {
            return -1;
        }
        long n = integer(INITIAL_GROUP_SIZE, v);
        if (n < 0) {
            throw new InvalidQueueArgument(INITIAL_GROUP_SIZE, "{value_negative," + n + "}");
        }
        if (n == 0) {
            throw new InvalidQueueArgument(INITIAL_GROUP_SIZE, "{value_zero,0}");
        }
        return (int) Math.min(Integer.MAX_VALUE, n);
    }

    private static String leaderLocator(Object v) {
        if (v == null) {
            return null;
        }
        String text = string(LEADER_LOCATOR, v);
        if (!LEADER_LOCATORS.contains(text)) {
            throw new InvalidQueueArgument(LEADER_LOCATOR, "invalid_queue_locator_arg");
        }
        return text;
    }

    // RabbitMQ does not check it at all; a value that is no integer is refused here rather than ignored later
    private static long deliveryLimit(Object v) {
        if (v == null) {
            return DEFAULT_DELIVERY_LIMIT;
        }
        long n = integer(DELIVERY_LIMIT, v);
        return n < 0 ? -1 : n;
    }

    private static void nonNegative(Map<String, Object> args, String key) {
        Object v = args.get(key);
        if (v != null && integer(key, v) < 0) {
            throw new InvalidQueueArgument(key, "{value_negative," + ((Number) v).longValue() + "}");
        }
    }

    private static long integer(String key, Object v) {
        if (!(v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long)) {
            throw new InvalidQueueArgument(key, "\"expected integer, got " + FieldTables.typeName(v) + "\"");
        }
        return ((Number) v).longValue();
    }

    private static String string(String key, Object v) {
        if (v instanceof LongString || v instanceof String) {
            return v.toString();
        }
        if (v instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        throw new InvalidQueueArgument(key, "{unacceptable_type," + FieldTables.typeName(v) + "}");
    }
}
