package io.warren.store.stream;

import io.warren.store.DurabilityListener;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;

/** A durability listener a test can wait on: set once the fsync covering what was appended before it has run. */
final class DurableSignal implements DurabilityListener {
    private final AtomicBoolean durable = new AtomicBoolean();

    @Override
    public void durable() {
        durable.set(true);
    }

    @Override
    public void failed(IOException cause) {
    }

    /** Waits (up to 30 s) until the listener fired. */
    void await() {
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilTrue(durable);
    }
}
