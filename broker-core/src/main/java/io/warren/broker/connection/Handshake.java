package io.warren.broker.connection;

import static io.warren.codec.ReplyCodes.ACCESS_REFUSED;
import static io.warren.codec.ReplyCodes.COMMAND_INVALID;
import static io.warren.codec.ReplyCodes.NOT_ALLOWED;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.warren.broker.Broker;
import io.warren.broker.auth.Permission;
import io.warren.broker.auth.SaslCredentials;
import io.warren.broker.auth.User;
import io.warren.broker.error.AmqpException;
import io.warren.broker.tls.ClientCertificate;
import io.warren.broker.vhost.VirtualHost;
import io.warren.codec.LongString;
import io.warren.codec.frame.FrameDecoder;
import io.warren.codec.methods.Connection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection's opening handshake, connection.start to open-ok: authenticates the client, settles frame_max,
 * channel_max and heartbeats, opens the virtual host, and keeps what was settled. Runs on the connection's thread;
 * the connection checks that each method comes in its turn.
 */
final class Handshake {
    private static final Logger LOG = LoggerFactory.getLogger(AmqpConnection.class);
    private static final int MIN_FRAME_MAX = 4096;
    private static final String AUTHENTICATION_FAILURE_CLOSE = "authentication_failure_close";

    private final Broker broker;
    private final AmqpConnection connection;
    private final Channel socket;
    /** The CN of the verified client certificate, the login EXTERNAL offers; null when there is none. */
    private String certificateUser;
    private User user;
    private String mechanism;
    private VirtualHost vhost;
    private Permission permission;
    private Map<String, Object> clientProperties = Map.of();
    private int channelMax;
    private int frameMax;
    private int heartbeat;

    Handshake(Broker broker, AmqpConnection connection, Channel socket) {
        this.broker = broker;
        this.connection = connection;
        this.socket = socket;
    }

    /**
     * The connection.start to open with. EXTERNAL is offered only on a TLS connection whose client certificate was
     * verified and names a user (its CN), as rabbitmq_auth_mechanism_ssl does: the TLS handshake is over by the time
     * the protocol header arrives, so the certificate is known.
     */
    Connection.Start start() {
        certificateUser = ClientCertificate.verifiedCommonName(socket);
        String mechanisms = certificateUser == null ? SaslCredentials.MECHANISMS
                : SaslCredentials.MECHANISMS + " " + SaslCredentials.EXTERNAL;
        return new Connection.Start(0, 9, ServerProperties.get(), LongString.of(mechanisms), LongString.of("en_US"));
    }

    /** Authenticates the client; returns the connection.tune to answer with. */
    Connection.Tune startOk(Connection.StartOk s) {
        clientProperties = s.clientProperties();
        boolean external = SaslCredentials.EXTERNAL.equals(s.mechanism()) && certificateUser != null;
        if (!external && !SaslCredentials.supports(s.mechanism())) {
            throw AmqpException.connection(COMMAND_INVALID, "unknown authentication mechanism '%s'", s.mechanism());
        }
        String username;
        User u;
        if (external) {
            // the certificate was checked against the CA bundle: the user must exist, there is no password
            username = certificateUser;
            u = broker.users().user(username);
        } else {
            SaslCredentials creds = SaslCredentials.parse(s.mechanism(), s.response());
            if (creds == null) {
                throw AmqpException.connection(ACCESS_REFUSED, "invalid credentials for mechanism '%s'",
                        s.mechanism());
            }
            username = creds.username();
            u = broker.users().authenticate(creds.username(), creds.password());
        }
        if (u == null) {
            LOG.warn("login refused for user '{}' from {}", username, connection.remoteAddress());
            throw AmqpException.connection(ACCESS_REFUSED, "Login was refused using authentication mechanism %s. "
                    + "For details see the broker logfile.", s.mechanism());
        }
        if (!broker.loopbackUsers().allows(u.name(), peerAddress())) {
            throw AmqpException.connection(ACCESS_REFUSED, "user '%s' can only connect via localhost", u.name());
        }
        user = u;
        mechanism = external ? SaslCredentials.EXTERNAL : s.mechanism();
        return new Connection.Tune(broker.config().channelMax(), broker.config().frameMax(),
                broker.config().heartbeat());
    }

    /**
     * True when the client's capabilities ask to be told why its login failed; others are hung up on without a
     * word, as RabbitMQ does, since older clients do not expect connection.close before open.
     */
    boolean wantsAuthenticationFailureClose() {
        return clientProperties.get("capabilities") instanceof Map<?, ?> caps
                && Boolean.TRUE.equals(caps.get(AUTHENTICATION_FAILURE_CLOSE));
    }

    private InetAddress peerAddress() {
        InetSocketAddress a = (InetSocketAddress) socket.remoteAddress();
        return a == null ? null : a.getAddress();
    }

    /** Settles the limits the client accepted and applies them to the pipeline: frame sizes and heartbeats. */
    void tuneOk(Connection.TuneOk t, ChannelHandlerContext ctx, FrameOutput out) {
        int serverFrameMax = broker.config().frameMax();
        int fm = t.frameMax() == 0 ? serverFrameMax : t.frameMax();
        if (fm < MIN_FRAME_MAX) {
            throw AmqpException.connection(NOT_ALLOWED, "frame_max=%d < %d min size", fm, MIN_FRAME_MAX);
        }
        if (serverFrameMax > 0 && fm > serverFrameMax) {
            throw AmqpException.connection(NOT_ALLOWED, "frame_max=%d > %d max size", fm, serverFrameMax);
        }
        int serverChannelMax = broker.config().channelMax();
        channelMax = t.channelMax() == 0 ? serverChannelMax : Math.min(t.channelMax(), serverChannelMax);
        frameMax = fm;
        heartbeat = t.heartbeat();
        ctx.pipeline().get(FrameDecoder.class).setMaxFrameSize(frameMax);
        out.setFrameMax(frameMax);
        if (heartbeat > 0) {
            // as RabbitMQ: a heartbeat whenever the broker has been silent for half the interval (in milliseconds,
            // so heartbeat=1 means every 500 ms), and a client silent for two whole intervals is taken for dead
            long intervalMillis = heartbeat * 1000L;
            ctx.pipeline().addFirst("heartbeat", new IdleStateHandler(2 * intervalMillis, intervalMillis / 2, 0,
                    TimeUnit.MILLISECONDS));
        }
    }

    /** Opens the virtual host for the authenticated user. */
    void open(Connection.Open o) {
        String name = o.virtualHost();
        VirtualHost v = broker.vhost(name);
        if (v == null) {
            throw AmqpException.connection(NOT_ALLOWED, "vhost '%s' not found", name);
        }
        ConnectionLimits.checkOpen(broker, connection, user.name(), name);
        Permission p = broker.users().permission(user.name(), name);
        if (p == null) {
            throw AmqpException.connection(NOT_ALLOWED, "access to vhost '%s' refused for user '%s'", name,
                    user.name());
        }
        vhost = v;
        permission = p;
    }

    User user() {
        return user;
    }

    /** The SASL mechanism the client logged in with (null before start-ok). */
    String mechanism() {
        return mechanism;
    }

    VirtualHost vhost() {
        return vhost;
    }

    Permission permission() {
        return permission;
    }

    Map<String, Object> clientProperties() {
        return clientProperties;
    }

    int channelMax() {
        return channelMax;
    }

    int frameMax() {
        return frameMax;
    }

    int heartbeat() {
        return heartbeat;
    }
}
