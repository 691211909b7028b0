package io.warren.cluster.quorum.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.warren.cluster.quorum.state.QueueKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The leader's batched body read: many msgIds, far apart or close, released or never stored, in one call. */
class SideStoreBatchReadTest {
    private static final QueueKey Q = new QueueKey("/", "q");
    private static final QueueKey OTHER = new QueueKey("/", "other");
    @TempDir
    Path dir;

    @Test
    void readingManyMsgIdsAtOnceGivesTheStoredBodiesOfExactlyThoseAskedForAndSkipsReleasedOnes() throws Exception {
        try (SideStore store = SideStore.open(dir)) {
            for (long id = 1; id <= 200; id++) {
                store.store(Q, id, body("q" + id));
                store.store(OTHER, id, body("o" + id));
            }
            store.flush();
            store.release(Q, 5);
            store.release(Q, 120);

            Map<Long, ByteBuffer> read = store.read(Q, new long[] {3, 4, 5, 6, 40, 41, 120, 150, 199, 200, 500});

            Map<Long, String> got = new TreeMap<>();
            read.forEach((id, b) -> got.put(id, StandardCharsets.UTF_8.decode(b.duplicate()).toString()));
            assertEquals(Map.of(3L, "q3", 4L, "q4", 6L, "q6", 40L, "q40", 41L, "q41", 150L, "q150", 199L, "q199",
                    200L, "q200"), got);
            assertEquals("q7", StandardCharsets.UTF_8.decode(store.read(Q, 7)).toString(),
                    "a single read after a batched one still finds its body");
            assertEquals(Map.of(), store.read(Q, new long[0]));
        }
    }

    private static ByteBuffer body(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }
}
