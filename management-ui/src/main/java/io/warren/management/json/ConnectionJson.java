package io.warren.management.json;

import io.warren.broker.admin.ChannelView;
import io.warren.broker.admin.ConnectionView;
import io.warren.broker.admin.ConsumerView;
import io.warren.broker.admin.NodeConsumerView;
import io.warren.broker.queue.StreamConsumerStatus;
import io.warren.broker.tls.TlsSessionInfo;
import io.warren.management.metrics.RateSampler;
import java.util.LinkedHashMap;
import java.util.Map;

/** Connections, channels and consumers in the shape of RabbitMQ's API. */
public final class ConnectionJson {
    private final RateSampler rates;
    private final String node;

    public ConnectionJson(RateSampler rates, String node) {
        this.rates = rates;
        this.node = node;
    }

    public Map<String, Object> connection(ConnectionView c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", c.name());
        out.put("node", node);
        out.put("type", "network");
        out.put("protocol", "AMQP 0-9-1");
        out.put("user", c.user());
        out.put("vhost", c.vhost());
        out.put("host", c.host());
        out.put("port", c.port());
        out.put("peer_host", c.peerHost());
        out.put("peer_port", c.peerPort());
        TlsSessionInfo tls = c.security().tls();
        out.put("ssl", tls != null);
        if (tls != null) {
            out.put("ssl_protocol", tls.protocol());
            out.put("ssl_cipher", tls.cipherSuite());
            out.put("peer_cert_subject", tls.peerCertSubject());
            out.put("peer_cert_issuer", tls.peerCertIssuer());
        }
        out.put("auth_mechanism", c.security().authMechanism());
        out.put("state", c.blocked() ? "blocked" : "running");
        out.put("channels", c.channels().size());
        out.put("channel_max", c.channelMax());
        out.put("frame_max", c.frameMax());
        out.put("timeout", c.heartbeat());
        out.put("connected_at", c.connectedAt());
        out.put("client_properties", AmqpValues.toJson(c.clientProperties()));
        return out;
    }

    public Map<String, Object> channel(ChannelView ch, ConnectionView c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", ch.name());
        out.put("number", ch.number());
        out.put("node", node);
        out.put("user", ch.user());
        out.put("vhost", ch.vhost());
        out.put("state", "running");
        out.put("connection_details", Map.of("name", c.name(), "peer_host", c.peerHost(), "peer_port", c.peerPort()));
        out.put("consumer_count", ch.consumers().size());
        out.put("messages_unacknowledged", ch.unacked());
        out.put("prefetch_count", ch.prefetchCount());
        out.put("global_prefetch_count", ch.globalPrefetchCount());
        out.put("confirm", ch.confirm());
        out.put("transactional", ch.transactional());
        out.put("message_stats", MessageStatsJson.of(ch.totals(), rates, RateSampler.channelKey(ch.name())));
        return out;
    }

    /** A consumer as RabbitMQ lists it, its channel_details naming the node and address of its client. */
    public static Map<String, Object> consumer(NodeConsumerView where) {
        ConsumerView c = where.consumer();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("consumer_tag", c.tag());
        out.put("queue", Map.of("name", c.queue(), "vhost", c.vhost()));
        out.put("ack_required", c.ackRequired());
        out.put("exclusive", c.exclusive());
        out.put("prefetch_count", c.prefetchCount());
        out.put("active", c.active());
        out.put("activity_status", c.activityStatus());
        out.put("arguments", AmqpValues.toJson(c.arguments()));
        Map<String, Object> channel = new LinkedHashMap<>();
        channel.put("connection_name", c.connectionName());
        channel.put("name", c.connectionName() + " (" + c.channelNumber() + ")");
        channel.put("node", where.node());
        channel.put("number", c.channelNumber());
        channel.put("peer_host", where.peerHost());
        channel.put("peer_port", where.peerPort());
        channel.put("user", c.user());
        out.put("channel_details", channel);
        if (c.stream() != null) {
            streamPosition(out, c.stream());
        }
        return out;
    }

    // offset and offset_lag as RabbitMQ's stream plugin names them; null where not known yet (or not tracked)
    private static void streamPosition(Map<String, Object> out, StreamConsumerStatus s) {
        out.put("offset", s.offset() < 0 ? null : s.offset());
        out.put("offset_lag", s.lag() < 0 ? null : s.lag());
        out.put("last_delivered_offset", s.lastDeliveredOffset() < 0 ? null : s.lastDeliveredOffset());
        out.put("stored_offset", s.storedOffset() < 0 ? null : s.storedOffset());
        out.put("consumer_group", s.group());
    }
}
