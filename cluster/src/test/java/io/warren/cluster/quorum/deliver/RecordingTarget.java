package io.warren.cluster.quorum.deliver;

import io.warren.broker.message.Message;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** A consumer target that records what reaches it (copying each body, then releasing the message). */
final class RecordingTarget implements QuorumConsumerTarget {
    /** One delivery as the target saw it. */
    record Got(long msgId, boolean redelivered, int deliveryCount, String exchange, String routingKey, String body,
               String thread) {
    }

    final List<Got> got = new CopyOnWriteArrayList<>();
    final List<String> cancelled = new CopyOnWriteArrayList<>();
    final List<Boolean> activity = new CopyOnWriteArrayList<>();

    @Override
    public void deliver(long msgId, boolean redelivered, int deliveryCount, Message message) {
        try {
            got.add(new Got(msgId, redelivered, deliveryCount, message.exchange(), message.routingKey(),
                    message.body().toString(StandardCharsets.UTF_8), Thread.currentThread().getName()));
        } finally {
            message.release();
        }
    }

    @Override
    public void cancelled(String why) {
        cancelled.add(why);
    }

    @Override
    public void activity(boolean active) {
        activity.add(active);
    }

    List<Long> ids() {
        return got.stream().map(Got::msgId).toList();
    }

    Set<Long> distinctIds() {
        return got.stream().map(Got::msgId).collect(Collectors.toSet());
    }
}
