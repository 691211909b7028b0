package io.warren.store.definitions;

/**
 * A stored policy, as RabbitMQ defines one.
 *
 * @param pattern        regular expression over queue or exchange names
 * @param applyTo        queues, exchanges or all
 * @param definitionJson the policy's keys and values as a JSON object
 */
public record PolicyRow(String vhost, String name, String pattern, String applyTo, int priority,
                        String definitionJson) {
}
