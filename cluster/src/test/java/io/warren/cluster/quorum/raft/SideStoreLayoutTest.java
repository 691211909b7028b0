package io.warren.cluster.quorum.raft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.cluster.quorum.state.QueueKey;
import io.warren.store.MessageStore;
import io.warren.store.QueueLog;
import io.warren.store.StoreSettings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SideStoreLayoutTest {
    @TempDir
    Path dir;

    private static ByteBuffer body(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(ByteBuffer b) {
        return StandardCharsets.UTF_8.decode(b).toString();
    }

    @Test
    void aStoreOfTheOlderLayoutIsConvertedAtOpenKeepingItsLiveBodies() throws IOException {
        QueueKey a = new QueueKey("/", "a");
        QueueKey b = new QueueKey("vh", "b:with:colons");
        try (MessageStore old = MessageStore.open(dir, StoreSettings.defaults())) {
            QueueLog la = old.log(SideStore.logName(a));
            for (long m = 1; m <= 5; m++) {
                la.append(m, true, body("a" + m));
            }
            la.ack(2);
            la.flush();
            QueueLog lb = old.log(SideStore.logName(b));
            lb.append(7, true, body("b7"));
            lb.flush();
        }
        try (SideStore store = SideStore.open(dir)) {
            assertArrayEquals(new long[] {1, 3, 4, 5}, store.storedIds(a));
            assertEquals("a4", text(store.read(a, 4)));
            assertEquals("b7", text(store.read(b, 7)));
        }
        assertFalse(Files.exists(dir.resolve(LegacyBodies.LOCK_FILE)), "the older layout's marker is gone");
        try (Stream<Path> s = Files.list(dir)) {
            assertTrue(s.noneMatch(Files::isDirectory), "no per-queue log directories are left");
        }
        try (SideStore again = SideStore.open(dir)) {
            assertEquals("a1", text(again.read(a, 1)), "the converted bodies are the store's own");
        }
    }

    @Test
    void manyQueuesOnOneShardReplicaKeepItsFilesFew() throws IOException {
        try (SideStore store = SideStore.open(dir)) {
            for (int q = 0; q < 1000; q++) {
                store.store(new QueueKey("/", "q" + q), 1, body("m"));
            }
            store.flush();
            store.sync();
            try (Stream<Path> s = Files.list(dir)) {
                assertEquals(2, s.count(), "one segment and the catalogue of queues, not a file per queue");
            }
        }
    }
}
