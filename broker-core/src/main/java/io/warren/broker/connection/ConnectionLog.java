package io.warren.broker.connection;

import io.warren.broker.auth.User;
import io.warren.broker.vhost.VirtualHost;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * A connection's life in the log, in RabbitMQ's words: accepted, named by the client, authenticated, closed. Each
 * is one line per connection, so none of this is on the path of a message. The closing line is written when the
 * socket closes, with the reason the broker gave if it was the one closing, so that every connection gets exactly
 * one. Runs on the connection's event loop.
 */
final class ConnectionLog {
    private static final Logger LOG = LoggerFactory.getLogger(AmqpConnection.class);

    private final AmqpConnection connection;
    private String clientName;
    private String closeReason;
    private Level closeLevel;

    ConnectionLog(AmqpConnection connection) {
        this.connection = connection;
    }

    void accepted() {
        LOG.info("accepting AMQP connection ({})", connection.name());
    }

    /** After connection.start-ok: notes the name the client gave itself (connection_name), if any. */
    void clientProperties(Map<String, Object> properties) {
        Object name = properties.get("connection_name");
        if (name instanceof CharSequence s && !s.isEmpty()) {
            clientName = s.toString();
            LOG.info("connection ({}) has a client-provided name: {}", connection.name(), clientName);
        }
    }

    void opened(User user, VirtualHost vhost) {
        LOG.info("connection ({}): user '{}' authenticated and granted access to vhost '{}'", label(), user.name(),
                vhost.name());
    }

    /** The client asked to close (connection.close): the orderly end. */
    void clientClosing() {
        closing(null, Level.INFO);
    }

    /** The broker closes the connection, for the reason given; the first reason is the one logged. */
    void closing(String reason, Level level) {
        if (closeLevel == null) {
            closeReason = reason;
            closeLevel = level;
        }
    }

    /** The socket is closed; headerReceived says whether the client had started speaking AMQP. */
    void socketClosed(boolean headerReceived) {
        if (closeLevel != null) {
            String line = "closing AMQP connection ({}{})" + (closeReason == null ? "" : ": {}");
            LOG.atLevel(closeLevel).log(line, label(), who(), closeReason);
        } else if (headerReceived) {
            LOG.warn("closing AMQP connection ({}{}): client unexpectedly closed TCP connection", label(), who());
        } else {
            // load balancers' TCP health checks connect and hang up without a word: not worth an operator's time
            LOG.debug("closing AMQP connection ({}): closed before an AMQP 0-9-1 protocol header arrived",
                    connection.name());
        }
    }

    private String label() {
        return clientName == null ? connection.name() : connection.name() + " - " + clientName;
    }

    private String who() {
        VirtualHost v = connection.vhost();
        User u = connection.user();
        if (u == null) {
            return "";
        }
        return v == null ? ", user: '" + u.name() + "'" : ", vhost: '" + v.name() + "', user: '" + u.name() + "'";
    }
}
