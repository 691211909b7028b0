package io.warren.broker.vhost;

import io.warren.broker.message.Message;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;

/** Direct reply-to: the pseudo-queue names handed to RPC clients and the channels behind them. */
public final class ReplyToRegistry {
    public static final String PSEUDO_QUEUE = "amq.rabbitmq.reply-to";
    public static final String PREFIX = PSEUDO_QUEUE + ".";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A channel that consumes from amq.rabbitmq.reply-to. */
    public interface ReplyTarget {
        /** Takes over one reference of the message; may be called from any thread. */
        void deliverReply(Message message);
    }

    private final ConcurrentHashMap<String, ReplyTarget> targets = new ConcurrentHashMap<>();

    /** Registers a reply consumer and returns the reply-to address its requests will carry. */
    public String register(ReplyTarget target) {
        byte[] token = new byte[18];
        RANDOM.nextBytes(token);
        String address = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(token);
        targets.put(address, target);
        return address;
    }

    public void unregister(String address) {
        targets.remove(address);
    }

    /** The target behind a reply address, or null when its consumer is gone. */
    public ReplyTarget lookup(String address) {
        return targets.get(address);
    }
}
