package io.warren.broker.queue;

/** A publisher paused because a queue it feeds is in flow control; told when that queue's flow ends. */
public interface FlowWaiter {
    /** Called on the queue's thread; the waiter resumes on its own thread. */
    void flowEnded(AmqpQueue queue);
}
