package io.warren.broker.channel;

import static io.warren.codec.ReplyCodes.PRECONDITION_FAILED;

import io.warren.broker.error.AmqpException;
import io.warren.codec.FieldTables;
import io.warren.codec.LongString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sender-selected distribution headers CC and BCC: more routing keys for a message, read as RabbitMQ reads
 * them (rabbit_basic's header routes): each must be an array, whose string elements are keys (others are skipped).
 */
final class RoutingHeaders {
    static final String CC = "CC";
    static final String BCC = "BCC";

    private RoutingHeaders() {
    }

    /** True when the headers carry either header, so the message has keys beyond its own routing key. */
    static boolean present(Map<String, Object> headers) {
        return headers != null && (headers.containsKey(CC) || headers.containsKey(BCC));
    }

    /** The CC keys then the BCC keys; an empty list when there are none. */
    static List<String> keys(Map<String, Object> headers) {
        if (!present(headers)) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        addKeys(headers, CC, keys);
        addKeys(headers, BCC, keys);
        return keys;
    }

    private static void addKeys(Map<String, Object> headers, String header, List<String> keys) {
        if (!headers.containsKey(header)) {
            return;
        }
        Object value = headers.get(header);
        if (!(value instanceof List<?> list)) {
            // RabbitMQ refuses the publish with its own reason term as the text
            throw AmqpException.channel(PRECONDITION_FAILED, "invalid message: {unacceptable_type_in_header,\"%s\",%s}",
                    header, FieldTables.typeName(value));
        }
        for (Object key : list) {
            if (key instanceof LongString || key instanceof String) {
                keys.add(key.toString());
            }
        }
    }
}
