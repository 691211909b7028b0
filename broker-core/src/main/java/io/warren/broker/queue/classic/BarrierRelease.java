package io.warren.broker.queue.classic;

import io.warren.broker.queue.PublishBarrier;
import io.warren.store.DurabilityListener;
import java.io.IOException;

/** Releases a publish barrier's holds once the log has fsynced the messages they wait for (or fails them). */
record BarrierRelease(PublishBarrier barrier, int holds) implements DurabilityListener {
    @Override
    public void durable() {
        barrier.release(holds);
    }

    @Override
    public void failed(IOException cause) {
        barrier.fail(holds, cause);
    }
}
