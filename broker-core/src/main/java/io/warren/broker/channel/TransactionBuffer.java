package io.warren.broker.channel;

import io.warren.broker.message.Message;
import java.util.ArrayList;
import java.util.List;

/** What a transactional channel did since its last commit: publishes and settlements, applied in order on commit. */
final class TransactionBuffer {
    /** One buffered action. */
    sealed interface Action permits Publish, Settle {
    }

    record Publish(Message message, boolean mandatory) implements Action {
    }

    /** An ack (requeue ignored), nack or reject, with the deliveries it names, taken out of the unacked set. */
    record Settle(boolean ack, boolean requeue, List<UnackedDeliveries.Delivery> deliveries) implements Action {
    }

    private final List<Action> actions = new ArrayList<>();

    void add(Action a) {
        actions.add(a);
    }

    List<Action> take() {
        List<Action> out = new ArrayList<>(actions);
        actions.clear();
        return out;
    }

    /**
     * Rollback: buffered publishes are dropped, buffered settlements forgotten. Returns the deliveries those
     * settlements named, which are unacknowledged again.
     */
    List<UnackedDeliveries.Delivery> rollback() {
        List<UnackedDeliveries.Delivery> stillUnacked = new ArrayList<>();
        for (Action a : actions) {
            if (a instanceof Publish p) {
                p.message().release();
            } else if (a instanceof Settle s) {
                stillUnacked.addAll(s.deliveries());
            }
        }
        actions.clear();
        return stillUnacked;
    }
}
