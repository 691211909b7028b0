package io.warren.broker.channel;

import static io.warren.codec.ReplyCodes.ACCESS_REFUSED;

import io.warren.broker.auth.TopicPermission;
import io.warren.broker.connection.AmqpConnection;
import io.warren.broker.error.AmqpException;
import io.warren.broker.vhost.ExchangeEntity;

/**
 * Topic permissions, checked where RabbitMQ checks them: the routing key of a publish to a topic exchange against
 * the user's write pattern, the binding key of a bind or unbind from a topic exchange against the read pattern. A
 * user without a topic permission on the exchange may use any key. Allocates nothing when there is none.
 */
final class TopicAccess {
    private TopicAccess() {
    }

    static void checkWrite(AmqpConnection c, ExchangeEntity x, String routingKey) {
        TopicPermission p = permission(c, x);
        if (p != null && !p.canWrite(routingKey)) {
            throw refused(c, x, routingKey);
        }
    }

    static void checkRead(AmqpConnection c, ExchangeEntity x, String bindingKey) {
        TopicPermission p = permission(c, x);
        if (p != null && !p.canRead(bindingKey)) {
            throw refused(c, x, bindingKey);
        }
    }

    private static TopicPermission permission(AmqpConnection c, ExchangeEntity x) {
        if (!"topic".equals(x.type())) {
            return null;
        }
        return c.broker().users().topicPermission(c.user().name(), c.vhost().name(), x.name());
    }

    private static AmqpException refused(AmqpConnection c, ExchangeEntity x, String key) {
        return AmqpException.channel(ACCESS_REFUSED, "access to topic '%s' in exchange '%s' in vhost '%s' refused "
                + "for user '%s'", key, x.name(), c.vhost().name(), c.user().name());
    }
}
