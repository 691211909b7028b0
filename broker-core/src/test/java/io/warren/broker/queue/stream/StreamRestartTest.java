package io.warren.broker.queue.stream;

import static io.warren.broker.queue.stream.StreamClient.bodies;
import static io.warren.broker.queue.stream.StreamClient.consume;
import static io.warren.broker.queue.stream.StreamClient.declare;
import static io.warren.broker.queue.stream.StreamClient.publish;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.broker.RunningBroker;
import io.warren.broker.policy.PolicyFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a stream keeps across a broker restart: its confirmed messages, their offsets and tracked offsets. */
class StreamRestartTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path data;

    private static Map<String, Object> tracked() {
        Map<String, Object> args = new HashMap<>();
        args.put("x-stream-offset", null);
        return args;
    }

    @Test
    void confirmedMessagesTheirOffsetsAndATrackedOffsetSurviveARestart() throws Exception {
        try (RunningBroker b = RunningBroker.startOn(data)) {
            Connection c = b.connect();
            Channel ch = c.createChannel();
            declare(ch, "s-restart", Map.of("x-max-length-bytes", 100_000_000));
            publish(ch, "s-restart", "m", 20);
            StreamClient.Recorder keeper = consume(c.createChannel(), "s-restart", 5, "keeper", tracked());
            await().atMost(WAIT).until(() -> keeper.size() == 20);
        }
        try (RunningBroker b = RunningBroker.startOn(data)) {
            Connection c = b.connect();
            Channel ch = c.createChannel();
            assertEquals(20, ch.queueDeclarePassive("s-restart").getMessageCount());
            assertEquals("stream", b.broker().vhost("/").queue("s-restart").type().toString());
            Map<String, Object> first = new HashMap<>(Map.of("x-stream-offset", "first"));
            StreamClient.Recorder all = consume(c.createChannel(), "s-restart", 7, null, first);
            await().atMost(WAIT).until(() -> all.size() == 20);
            assertEquals(bodies("m", 0, 20), all.bodies());
            assertEquals(LongStream.range(0, 20).boxed().toList(), all.offsets());

            publish(ch, "s-restart", "after", 5);
            StreamClient.Recorder keeper = consume(c.createChannel(), "s-restart", 5, "keeper", tracked());
            await().atMost(WAIT).until(() -> keeper.size() == 5);
            assertEquals(bodies("after", 0, 5), keeper.bodies());
            assertEquals(LongStream.range(20, 25).boxed().toList(), keeper.offsets());
            // the redeclare with the same arguments is an existing stream, not a new one
            declare(ch, "s-restart", Map.of("x-max-length-bytes", 100_000_000));
        }
    }

    @Test
    void retentionByMaxLengthBytesDropsTheOldestSegments() throws Exception {
        try (RunningBroker b = RunningBroker.startOn(data)) {
            Connection c = b.connect();
            Channel ch = c.createChannel();
            declare(ch, "s-retained", Map.of("x-max-length-bytes", 2_000, "x-stream-max-segment-size-bytes", 500));
            for (int batch = 0; batch < 10; batch++) {
                publish(ch, "s-retained", "b" + batch + "-", 10);
            }
            int count = ch.queueDeclarePassive("s-retained").getMessageCount();
            assertTrue(count > 0 && count < 100, "messages kept: " + count);
            Map<String, Object> first = new HashMap<>(Map.of("x-stream-offset", "first"));
            StreamClient.Recorder r = consume(c.createChannel(), "s-retained", 200, null, first);
            await().atMost(WAIT).until(() -> r.size() == count);
            assertEquals((long) (100 - count), r.offsets().get(0));
            assertEquals(99L, r.offsets().get(count - 1));
        }
    }
    @Test
    void aPolicyForStreamsSetsTheRetentionAndWinsOverTheStreamsOwnLimit() throws Exception {
        try (RunningBroker b = RunningBroker.startOn(data)) {
            Connection c = b.connect();
            Channel ch = c.createChannel();
            declare(ch, "s-policy", Map.of("x-max-length-bytes", 100_000_000, "x-stream-max-segment-size-bytes",
                    500));
            PolicyFixture.set(b, "/", "classic-only", "^s-policy$", "classic_queues", 5,
                    Map.of("max-length-bytes", 1));
            PolicyFixture.set(b, "/", "small-streams", "^s-policy$", "streams", 0, Map.of("max-length-bytes", 2_000));
            PolicyFixture.awaitApplied(b, "/", "s-policy");
            assertEquals("small-streams", b.broker().vhost("/").queue("s-policy").policyName());
            for (int batch = 0; batch < 10; batch++) {
                publish(ch, "s-policy", "b" + batch + "-", 10);
            }
            int count = ch.queueDeclarePassive("s-policy").getMessageCount();
            assertTrue(count > 0 && count < 100, "messages kept: " + count);
        }
    }
    @Test
    void theFilesOfAStreamWhoseDeletionWasCutShortGoAtStartUp() throws Exception {
        Path streams = data.resolve("streams");
        Path saved = data.resolve("saved");
        try (RunningBroker b = RunningBroker.startOn(data)) {
            Channel ch = b.connect().createChannel();
            declare(ch, "s-orphan", Map.of());
            declare(ch, "s-kept", Map.of());
            publish(ch, "s-orphan", "m", 3);
        }
        Path orphan;
        try (var dirs = Files.list(streams)) {
            orphan = dirs.filter(d -> readName(d).endsWith(":s-orphan")).findFirst().orElseThrow();
        }
        copyTree(orphan, saved);
        try (RunningBroker b = RunningBroker.startOn(data)) {
            b.connect().createChannel().queueDelete("s-orphan");
        }
        copyTree(saved, orphan); // as if the broker had died before the files went
        try (RunningBroker b = RunningBroker.startOn(data)) {
            assertFalse(Files.exists(orphan), "the deleted stream's files are still there");
            assertEquals(0, b.connect().createChannel().queueDeclarePassive("s-kept").getMessageCount());
            try (var dirs = Files.list(streams)) {
                assertEquals(1, dirs.count());
            }
        }
    }

    private static String readName(Path dir) {
        try {
            return Files.readString(dir.resolve("name"));
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static void copyTree(Path from, Path to) throws java.io.IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                if (Files.isRegularFile(f) && !f.getFileName().toString().equals("stream.lock")) {
                    Files.copy(f, to.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
