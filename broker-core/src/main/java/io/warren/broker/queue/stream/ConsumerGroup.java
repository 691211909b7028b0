package io.warren.broker.queue.stream;

import io.warren.codec.FieldTables;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The group a stream consumer belongs to: of the consumers in one group, one at a time receives messages (the
 * others wait to take over), and the group's offset is tracked under the group's name, so the consumer that takes
 * over resumes where the previous one stopped (RabbitMQ's single active consumer for streams, where the group is
 * the consumer name).
 *
 * <p>A consumer names its group with the consumer argument {@value #ARGUMENT} (a string of 1 to 255 bytes). A
 * consumer without one is in the stream's one unnamed group when the stream was declared with
 * x-single-active-consumer true, and in no group otherwise (it reads on its own, as every stream consumer in
 * RabbitMQ's AMQP 0-9-1 does). So x-single-active-consumer on a stream makes it one group by default, and named
 * groups split its consumers into several groups that each have their one active consumer.
 */
public record ConsumerGroup(String name) {
    public static final String ARGUMENT = "x-stream-consumer-group";
    /** The stream-wide group of a single-active-consumer stream's consumers that name none. */
    public static final ConsumerGroup STREAM = new ConsumerGroup("");

    /** The consumer's group, or null when it reads on its own. */
    public static ConsumerGroup of(Map<String, Object> consumerArguments, Map<String, Object> queueArguments) {
        Map<String, Object> args = consumerArguments == null ? Map.of() : consumerArguments;
        if (args.containsKey(ARGUMENT)) {
            Object v = args.get(ARGUMENT);
            String name = ErlangTerms.text(v);
            if (name == null) {
                throw new InvalidStreamArgument(ARGUMENT, "{unacceptable_type," + FieldTables.typeName(v)
                        + "}; it must be a string naming the group");
            }
            int bytes = name.getBytes(StandardCharsets.UTF_8).length;
            if (bytes == 0 || bytes > 255) {
                throw new InvalidStreamArgument(ARGUMENT, "{invalid_length," + bytes
                        + "}; a group name is 1 to 255 bytes");
            }
            return new ConsumerGroup(name);
        }
        boolean singleActive = queueArguments != null
                && Boolean.TRUE.equals(queueArguments.get("x-single-active-consumer"));
        return singleActive ? STREAM : null;
    }

    /** True for a group the consumer named, false for the stream-wide one. */
    public boolean named() {
        return !name.isEmpty();
    }

    /** The key the stream stores this group's offset under; distinct from any consumer tag's key. */
    public String trackingKey() {
        return "group:" + name;
    }
}
