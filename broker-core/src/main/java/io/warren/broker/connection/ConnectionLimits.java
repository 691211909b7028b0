package io.warren.broker.connection;

import static io.warren.codec.ReplyCodes.NOT_ALLOWED;

import io.warren.broker.Broker;
import io.warren.broker.error.AmqpException;
import io.warren.broker.limits.Limits;

/**
 * The vhost and user limits on connections and channels, checked as RabbitMQ checks them: on connection.open
 * against the connections already open (in the vhost, of the user), on channel.open against the user's channels on
 * every connection; with RabbitMQ's reply code and text. Opening is rare, so counting by walking the broker's
 * connections costs nothing that matters.
 */
final class ConnectionLimits {
    private ConnectionLimits() {
    }

    /** Refuses connection.open when the vhost or the user already has its limit of open connections. */
    static void checkOpen(Broker broker, AmqpConnection opening, String user, String vhost) {
        long vhostMax = broker.parameters().vhostLimits(vhost).get(Limits.MAX_CONNECTIONS);
        if (vhostMax >= 0) {
            long open = broker.connections().stream()
                    .filter(c -> c != opening && c.vhost() != null && c.vhost().name().equals(vhost)).count();
            if (open >= vhostMax) {
                throw AmqpException.connection(NOT_ALLOWED, "access to vhost '%s' refused for user '%s': "
                        + "connection limit (%d) is reached", vhost, user, vhostMax);
            }
        }
        long userMax = broker.users().limits(user).get(Limits.MAX_CONNECTIONS);
        if (userMax >= 0) {
            long open = broker.connections().stream()
                    .filter(c -> c != opening && c.vhost() != null && c.user().name().equals(user)).count();
            if (open >= userMax) {
                throw AmqpException.connection(NOT_ALLOWED, "connection refused for user '%s': user connection "
                        + "limit (%d) is reached", user, userMax);
            }
        }
    }

    /** Refuses channel.open (closing the connection, as RabbitMQ does) when the user has its limit of channels. */
    static void checkChannelOpen(Broker broker, String user) {
        long max = broker.users().limits(user).get(Limits.MAX_CHANNELS);
        if (max < 0) {
            return;
        }
        long open = broker.connections().stream().filter(c -> c.vhost() != null && c.user().name().equals(user))
                .mapToLong(AmqpConnection::channelCount).sum();
        if (open >= max) {
            throw AmqpException.connection(NOT_ALLOWED, "number of channels opened for user '%s' has reached the "
                    + "maximum allowed user limit of (%d)", user, max);
        }
    }
}
