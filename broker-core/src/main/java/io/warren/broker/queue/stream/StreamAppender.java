package io.warren.broker.queue.stream;

import io.warren.broker.message.Message;
import io.warren.broker.queue.PublishBarrier;
import io.warren.broker.queue.QueueWork;
import io.warren.store.DurabilityListener;
import io.warren.store.stream.StreamLog;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends a batch's messages to a stream's log, and holds the publishers' confirms until the group commit has
 * fsynced them; then tells the stream how far its log is durable, so consumers may see those messages. On the
 * stream's loop; the durability callbacks come on the fsync thread.
 */
final class StreamAppender {
    private static final Logger LOG = LoggerFactory.getLogger(StreamAppender.class);

    private final StreamLog log;
    private final StreamMessages messages;
    private final Object owner;
    private final LongConsumer durableUpTo;

    /** durableUpTo hears, on the fsync thread, an offset below which every message is fsynced. */
    StreamAppender(StreamLog log, StreamMessages messages, Object owner, LongConsumer durableUpTo) {
        this.log = log;
        this.messages = messages;
        this.owner = owner;
        this.durableUpTo = durableUpTo;
    }

    /** Appends the batch's messages (releasing them) and returns how many were stored. */
    int append(QueueWork work) {
        long now = System.currentTimeMillis();
        IOException failure = null;
        int appended = 0;
        for (Message m : work.messages()) {
            try {
                if (failure == null) {
                    Map<String, Object> headers = m.hasHeaders() ? m.properties().headers() : null;
                    log.append(messages.header(m), StreamMessages.body(m), now,
                            List.copyOf(StreamFilter.publishedValues(headers)));
                    appended++;
                }
            } catch (IOException e) {
                failure = e;
            } catch (IllegalArgumentException e) {
                failure = new IOException(e.getMessage(), e); // bigger than a stream record can be
            } finally {
                m.release();
            }
        }
        if (failure != null) {
            // the publishers with confirms hear a nack for the whole batch
            LOG.error("{}: cannot append to the stream: {}", owner, failure.toString());
        }
        whenDurable(work, failure);
        return appended;
    }

    private void whenDurable(QueueWork work, IOException failure) {
        int n = work.barrierCount();
        PublishBarrier[] barriers = new PublishBarrier[n];
        int[] holds = new int[n];
        for (int i = 0; i < n; i++) {
            barriers[i] = work.barrier(i);
            holds[i] = work.holds(i);
        }
        if (failure != null) {
            for (int i = 0; i < n; i++) {
                barriers[i].fail(holds[i], failure);
            }
            return;
        }
        long upTo = log.nextOffset();
        log.whenDurable(new DurabilityListener() {
            @Override
            public void durable() {
                for (int i = 0; i < n; i++) {
                    barriers[i].release(holds[i]);
                }
                durableUpTo.accept(upTo);
            }

            @Override
            public void failed(IOException cause) {
                LOG.error("{}: the stream could not be fsynced: {}", owner, cause.toString());
                for (int i = 0; i < n; i++) {
                    barriers[i].fail(holds[i], cause);
                }
            }
        });
    }
}
