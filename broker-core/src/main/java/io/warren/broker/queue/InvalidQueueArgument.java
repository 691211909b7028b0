package io.warren.broker.queue;

import static io.warren.codec.ReplyCodes.PRECONDITION_FAILED;

import io.warren.broker.error.AmqpException;
import io.warren.codec.LongString;
import java.math.BigDecimal;
import java.util.Date;
import java.util.List;
import java.util.Map;

/** A queue x-argument that cannot be used, worded as RabbitMQ's argument checks word it. */
public final class InvalidQueueArgument extends IllegalArgumentException {
    private final String argument;

    public InvalidQueueArgument(String argument, String reason) {
        super(reason);
        this.argument = argument;
    }

    public String argument() {
        return argument;
    }

    /** The channel error a declare or consume naming this queue gets. */
    public AmqpException toReply(String queue, String vhost) {
        return AmqpException.channel(PRECONDITION_FAILED, "invalid arg '%s' for queue '%s' in vhost '%s': %s",
                argument, queue, vhost, getMessage());
    }

    static boolean isInteger(Object v) {
        return v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long;
    }

    /** The field-table type name RabbitMQ's messages use for a value as decoded here. */
    static String typeName(Object v) {
        if (v instanceof LongString || v instanceof CharSequence) {
            return "longstr";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v instanceof Float) {
            return "float";
        }
        if (v instanceof Double) {
            return "double";
        }
        if (v instanceof BigDecimal) {
            return "decimal";
        }
        if (v instanceof Date) {
            return "timestamp";
        }
        if (v instanceof Map) {
            return "table";
        }
        if (v instanceof List) {
            return "array";
        }
        if (v instanceof byte[]) {
            return "binary";
        }
        return isInteger(v) ? "long" : "void";
    }
}
