package io.warren.broker.queue.stream;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.warren.store.stream.StreamLog;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a stream keeps: its retention from its arguments and policy (the policy's keys win, as for RabbitMQ's
 * streams), enforced by removing whole segments after appends and, for a max age, every few seconds. On the
 * stream's loop, except where marked.
 */
final class StreamRetention {
    private static final Logger LOG = LoggerFactory.getLogger(StreamRetention.class);
    /** How often retention looks at a stream with a max age that no publish touches. */
    static final long CHECK_MILLIS = 10_000;

    private final StreamLog log;
    private final Object owner;
    private volatile RetentionSettings settings;
    private volatile Map<String, Object> policyDefinition;
    private ScheduledFuture<?> timer;

    StreamRetention(StreamLog log, Object owner, RetentionSettings settings) {
        this.log = log;
        this.owner = owner;
        this.settings = settings;
    }

    /** Any thread: the definition of the policy about to be applied (null for none). */
    void policyDefinition(Map<String, Object> definition) {
        policyDefinition = definition;
    }

    /**
     * Any thread: the retention the stream's arguments and the policy now in effect give, or null (logged) when
     * the policy's values are unusable and the current retention stays.
     */
    RetentionSettings forPolicy(Map<String, Object> arguments, String policyName) {
        try {
            return RetentionSettings.from(arguments, policyName == null ? null : policyDefinition);
        } catch (RuntimeException e) {
            LOG.warn("{}: policy '{}' gives unusable retention ({}); keeping the current one", owner, policyName,
                    e.getMessage());
            return null;
        }
    }

    /**
     * Puts this retention in force, its segment size from the next publish on (see {@link
     * StreamLog#maxSegmentBytes(long)}); afterRun runs after each timed check (to publish the counts). */
    void set(RetentionSettings r, EventExecutor loop, Runnable afterRun) {
        settings = r;
        log.maxSegmentBytes(r.maxSegmentSizeBytes());
        if (timer == null && r.maxAgeMillis() >= 0) {
            timer = loop.scheduleAtFixedRate(() -> {
                enforce();
                afterRun.run();
            }, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
        }
        enforce();
    }

    /** Removes the oldest segments while the stream is over a limit (never the one being written). */
    void enforce() {
        RetentionSettings r = settings;
        if (!r.limited()) {
            return;
        }
        try {
            int dropped = log.enforce(r.maxLengthBytes(), r.maxAgeMillis(), r.maxLength(),
                    System.currentTimeMillis());
            if (dropped > 0) {
                LOG.debug("{}: retention removed {} segments", owner, dropped);
            }
        } catch (IOException | IllegalStateException e) {
            LOG.warn("{}: retention could not remove old segments: {}", owner, e.toString());
        }
    }

    /** The stream is closing or deleted: no more checks. */
    void stop() {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
