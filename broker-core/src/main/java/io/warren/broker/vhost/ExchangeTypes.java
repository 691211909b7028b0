package io.warren.broker.vhost;

import static io.warren.codec.ReplyCodes.COMMAND_INVALID;

import io.warren.broker.delayed.DelayedExchangeType;
import io.warren.broker.error.AmqpException;
import io.warren.routing.Router;
import io.warren.routing.Routers;
import java.util.Map;

/** The exchange types a declaration may name: the routers' own, and those built on them (x-delayed-message). */
final class ExchangeTypes {
    private ExchangeTypes() {
    }

    /** Checks a declaration's type and the arguments that type needs, with RabbitMQ's replies. */
    static void validate(String type, Map<String, Object> arguments) {
        if (DelayedExchangeType.NAME.equals(type)) {
            String routing = DelayedExchangeType.routingType(arguments);
            if (!Routers.isKnownType(routing)) {
                throw unknown(routing); // the plugin asks RabbitMQ, which answers as for any unknown type
            }
            return;
        }
        if (!Routers.isKnownType(type)) {
            throw unknown(type);
        }
    }

    /** The type whose routing the exchange uses: its own, or for a delayed exchange the one it names. */
    static String routingType(String type, Map<String, Object> arguments) {
        return DelayedExchangeType.NAME.equals(type) ? DelayedExchangeType.routingType(arguments) : type;
    }

    static <D> Router<D> router(String type, Map<String, Object> arguments) {
        return Routers.create(routingType(type, arguments), arguments);
    }

    private static AmqpException unknown(String type) {
        return AmqpException.connection(COMMAND_INVALID, "unknown exchange type '%s'", type);
    }
}
