package io.warren.broker.delayed;

import static io.warren.codec.ReplyCodes.PRECONDITION_FAILED;

import io.warren.broker.error.AmqpException;
import java.util.Map;

/**
 * The exchange type {@code x-delayed-message} of RabbitMQ's delayed-message plugin: argument {@code x-delayed-type}
 * names the exchange type whose routing it uses once a message is due.
 */
public final class DelayedExchangeType {
    public static final String NAME = "x-delayed-message";
    public static final String TYPE_ARGUMENT = "x-delayed-type";

    private DelayedExchangeType() {
    }

    /**
     * The routing type a delayed exchange's arguments name. Missing, not a string, or itself a delayed type is the
     * plugin's 406; whether the named type exists is for the caller to check (an unknown one is the plugin's 503).
     */
    public static String routingType(Map<String, Object> arguments) {
        Object type = arguments == null ? null : arguments.get(TYPE_ARGUMENT);
        if (!(type instanceof CharSequence) || NAME.equals(type.toString())) {
            throw AmqpException.channel(PRECONDITION_FAILED,
                    "Invalid argument, 'x-delayed-type' must be an existing exchange type");
        }
        return type.toString();
    }
}
