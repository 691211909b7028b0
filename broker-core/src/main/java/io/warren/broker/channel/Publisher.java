package io.warren.broker.channel;

import static io.warren.codec.ReplyCodes.ACCESS_REFUSED;
import static io.warren.codec.ReplyCodes.NO_ROUTE;
import static io.warren.codec.ReplyCodes.NOT_IMPLEMENTED;
import static io.warren.codec.ReplyCodes.PRECONDITION_FAILED;

import io.netty.buffer.ByteBuf;
import io.warren.broker.connection.AmqpConnection;
import io.warren.broker.delayed.DelayHeader;
import io.warren.broker.error.AmqpException;
import io.warren.broker.message.Message;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.Expiration;
import io.warren.broker.queue.PublishBarrier;
import io.warren.broker.stats.ChannelCounters;
import io.warren.broker.vhost.ExchangeEntity;
import io.warren.broker.vhost.ReplyToRegistry;
import io.warren.broker.vhost.RoutingScratch;
import io.warren.broker.vhost.VirtualHost;
import io.warren.codec.BasicProperties;
import io.warren.codec.methods.Basic;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Takes a channel's assembled publishes to their queues: routing, CC/BCC, direct reply-to, mandatory returns. */
final class Publisher {
    private final AmqpChannel channel;
    private final AmqpConnection connection;
    private final VirtualHost vhost;
    private final Access access;
    private final ChannelConsumers consumers;
    private final ConfirmTracker confirms;
    private final RoutingScratch scratch = new RoutingScratch();
    private final Set<AmqpQueue> targets = new HashSet<>();
    private String lastExchange = "";
    private String lastRoutingKey = "";

    Publisher(AmqpChannel channel, AmqpConnection connection, Access access, ChannelConsumers consumers,
              ConfirmTracker confirms) {
        this.channel = channel;
        this.connection = connection;
        this.vhost = connection.vhost();
        this.access = access;
        this.consumers = consumers;
        this.confirms = confirms;
    }

    /**
     * Checks a publish and routes its message (or buffers it in the transaction); takes over the property and
     * body buffers.
     */
    void publish(Basic.Publish p, ByteBuf properties, ByteBuf body, TransactionBuffer tx) {
        Message m = new Message(sameExchange(p.exchange()), sameRoutingKey(p.routingKey()), properties, body);
        ExchangeEntity x;
        List<String> moreKeys;
        try {
            if (p.immediate()) {
                throw AmqpException.connection(NOT_IMPLEMENTED, "immediate=true");
            }
            x = vhost.existingExchange(p.exchange());
            access.write("exchange", x.name());
            TopicAccess.checkWrite(connection, x, p.routingKey());
            if (x.internal()) {
                throw AmqpException.channel(ACCESS_REFUSED, "cannot publish to internal exchange '%s' in vhost '%s'",
                        x.name(), vhost.name());
            }
            checkUserId(m);
            checkExpiration(m);
            m = rewriteReplyTo(m);
            moreKeys = moreKeys(m);
        } catch (RuntimeException e) {
            m.release();
            throw e;
        }
        if (tx != null) {
            tx.add(new TransactionBuffer.Publish(m, p.mandatory()));
        } else {
            route(m, x, p.mandatory(), moreKeys);
        }
    }

    // only a message that carries headers is decoded
    private static List<String> moreKeys(Message m) {
        return m.hasHeaders() ? RoutingHeaders.keys(m.properties().headers()) : List.of();
    }

    // a publisher repeats the same names: queued messages share one String instead of holding a copy each
    private String sameExchange(String exchange) {
        if (exchange.equals(lastExchange)) {
            return lastExchange;
        }
        lastExchange = exchange;
        return exchange;
    }

    private String sameRoutingKey(String routingKey) {
        if (routingKey.equals(lastRoutingKey)) {
            return lastRoutingKey;
        }
        lastRoutingKey = routingKey;
        return routingKey;
    }

    /** A user-id property must name the authenticated user, so consumers can trust it (as in RabbitMQ). */
    private void checkUserId(Message m) {
        if (!m.hasProperty(Message.USER_ID_FLAG)) {
            return;
        }
        String userId = m.properties().userId();
        String user = connection.user().name();
        if (!user.equals(userId)) {
            throw AmqpException.channel(PRECONDITION_FAILED,
                    "user_id property set to '%s' but authenticated user was '%s'", userId, user);
        }
    }

    /** RabbitMQ refuses a publish whose expiration is not a non-negative integer (milliseconds). */
    private static void checkExpiration(Message m) {
        if (!m.hasProperty(Message.EXPIRATION_FLAG)) {
            return;
        }
        String expiration = m.properties().expiration();
        if (Expiration.parse(expiration) < 0) {
            throw AmqpException.channel(PRECONDITION_FAILED, "invalid expiration '%s': it must be a non-negative "
                    + "number of milliseconds", expiration);
        }
    }

    /** A request whose reply-to is amq.rabbitmq.reply-to gets this channel's own reply address. */
    private Message rewriteReplyTo(Message m) {
        if (!m.hasProperty(Message.REPLY_TO_FLAG)) {
            return m;
        }
        BasicProperties props = m.properties();
        if (!ReplyToRegistry.PSEUDO_QUEUE.equals(props.replyTo())) {
            return m;
        }
        if (!consumers.consumesReplies()) {
            throw AmqpException.channel(PRECONDITION_FAILED, "fast reply consumer does not exist");
        }
        BasicProperties rewritten = new BasicProperties(props.contentType(), props.contentEncoding(), props.headers(),
                props.deliveryMode(), props.priority(), props.correlationId(), consumers.replyToAddress(),
                props.expiration(), props.messageId(), props.timestamp(), props.type(), props.userId(),
                props.appId(), props.clusterId());
        Message r = Message.withProperties(m.exchange(), m.routingKey(), rewritten, m.body().retain());
        m.release();
        return r;
    }

    /** Routes a message a transaction buffered; its exchange may have gone since. */
    void routeCommitted(Message m, boolean mandatory) {
        route(m, vhost.exchange(m.exchange()), mandatory, moreKeys(m));
    }

    // the queues take the message at the end of the batch; consumes the caller's reference
    private void route(Message m, ExchangeEntity x, boolean mandatory, List<String> moreKeys) {
        try {
            long tag = confirms.published();
            boolean routed;
            if (x == null) {
                routed = false; // deleted inside a transaction
            } else if (x.delayed() != null && DelayHeader.of(m) > 0) {
                routed = holdDelayed(x, m);
            } else {
                routed = routeToQueues(x, m, moreKeys, tag);
            }
            ChannelCounters counters = channel.counters();
            counters.add(ChannelCounters.PUBLISHED, 1);
            if (confirms.enabled()) {
                counters.add(ChannelCounters.CONFIRMED, 1);
            }
            if (routed) {
                counters.add(ChannelCounters.ROUTED, 1);
            } else if (!mandatory) {
                counters.add(ChannelCounters.DROPPED, 1);
            }
            if (!routed && mandatory) {
                counters.add(ChannelCounters.RETURNED, 1);
                connection.output().content(channel.number(),
                        new Basic.Return(NO_ROUTE, "NO_ROUTE", m.exchange(), m.routingKey()), m);
            }
        } finally {
            m.release();
        }
    }

    /**
     * A delayed message is routed when due. It counts as routed now: unlike the plugin, which returns every delayed
     * mandatory message at once, nothing is returned. A persistent one in a durable exchange is confirmed once it
     * is on disk.
     */
    private boolean holdDelayed(ExchangeEntity x, Message m) {
        PublishBarrier barrier = m.isPersistent() && x.durable() ? channel.confirmBarrier() : null;
        if (barrier != null) {
            barrier.expect();
        }
        x.delayed().hold(m.retain(), System.currentTimeMillis() + DelayHeader.of(m), barrier);
        return true;
    }

    private boolean routeReply(Message m, String address) {
        ReplyToRegistry.ReplyTarget target = vhost.replyTo().lookup(address);
        if (target == null) {
            return false;
        }
        target.deliverReply(m.retain());
        return true;
    }

    // the default exchange takes each key that is a direct reply-to address to the channel behind it, as RabbitMQ
    private boolean routeReplies(Message m, List<String> moreKeys) {
        boolean routed = m.routingKey().startsWith(ReplyToRegistry.PREFIX) && routeReply(m, m.routingKey());
        for (int i = 0, n = moreKeys.size(); i < n; i++) {
            String key = moreKeys.get(i);
            if (key.startsWith(ReplyToRegistry.PREFIX)) {
                routed |= routeReply(m, key);
            }
        }
        return routed;
    }

    private boolean routeToQueues(ExchangeEntity x, Message m, List<String> moreKeys, long tag) {
        // only a message that carries headers is decoded; a headers exchange treats none as an empty table
        Map<String, Object> headers = m.hasHeaders() ? m.properties().headers() : null;
        targets.clear();
        vhost.route(x, m.routingKey(), moreKeys, headers, m, targets, scratch);
        Message toQueue = headers != null && headers.containsKey(RoutingHeaders.BCC) ? withoutBcc(m) : m;
        try {
            boolean replied = x.isDefault() && routeReplies(toQueue, moreKeys);
            if (targets.isEmpty()) {
                return replied;
            }
            boolean persistent = toQueue.isPersistent();
            channel.counters().add(ChannelCounters.ENQUEUED, targets.size());
            for (AmqpQueue q : targets) {
                // a persistent message in a durable queue is confirmed only once the queue's log has it on disk, and
                // a message to a queue that may refuse it (full, or a duplicate) only once the queue has taken it
                PublishBarrier barrier = ((persistent || q.storesEveryMessage()) && q.persistsMessages())
                        || q.rejectsPublishes()
                        || q.deduplicates() ? channel.confirmBarrier() : null;
                if (barrier != null) {
                    barrier.expect();
                }
                connection.publishTo(q, toQueue.retain(), barrier, tag);
            }
            return true;
        } finally {
            if (toQueue != m) {
                toQueue.release();
            }
        }
    }

    /** BCC recipients must stay hidden: the header is removed before anyone sees the message. */
    private static Message withoutBcc(Message m) {
        BasicProperties p = m.properties();
        Map<String, Object> headers = new LinkedHashMap<>(p.headers());
        headers.remove(RoutingHeaders.BCC);
        return Message.withProperties(m.exchange(), m.routingKey(), p.withHeaders(headers), m.body().retain());
    }
}
