package io.warren.broker.queue.classic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.warren.broker.message.Message;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.DeadLetterRouting;
import io.warren.broker.queue.QueueDeclaration;
import io.warren.broker.queue.QueueEntry;
import io.warren.broker.queue.QueueStorage;
import io.warren.broker.queue.QueueWindow;
import io.warren.broker.queue.QueueWork;
import io.warren.codec.BasicProperties;
import io.warren.store.MessageStore;
import io.warren.store.StoreSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Reference counts of messages a queue gives up when it cannot take them. */
class QueueWorkReleaseTest {
    static Message msg() {
        return Message.withProperties("", "q", BasicProperties.EMPTY, Unpooled.copiedBuffer(new byte[] {1, 2, 3}));
    }

    @Test
    void aRejectAndAPublishInOneBatchToADeletedQueueReleaseTheRejectedMessageOnce() throws Exception {
        Path dir = Files.createTempDirectory("release");
        MessageStore store = MessageStore.open(dir, StoreSettings.defaults());
        DefaultEventExecutor loop = new DefaultEventExecutor();
        try {
            QueueStorage storage = new QueueStorage(store, new QueueWindow(1000, 1 << 20, 1 << 28), () -> false);
            DeadLetterRouting none = new DeadLetterRouting() {
                @Override
                public void route(String exchange, List<String> keys, Map<String, Object> headers,
                                  io.warren.routing.RoutingProperties p, Set<AmqpQueue> out) {
                }

                @Override
                public void counted(long messages) {
                }
            };
            MessageQueue q = new MessageQueue(new QueueDeclaration("q", "/", false, false, false, Map.of(), null, loop,
                    x -> { }, storage, none), null);
            int[] result = loop.submit(() -> {
                Message shared = msg();      // the rejected delivery's reference
                shared.retain();             // a second holder: the same message in another (fanout) queue
                QueueEntry rejected = new QueueEntry(shared, 0);
                q.delete();
                QueueWork w = new QueueWork();
                w.reject(rejected);
                w.publish(msg(), null);
                q.take(w);
                return new int[] {shared.refCnt()};
            }).get();
            assertEquals(1, result[0], "the other holder's reference must survive");
        } finally {
            loop.shutdownGracefully().await();
            store.close();
        }
    }
}
