package io.warren.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.broker.alarm.MemoryWatermark;
import io.warren.management.http.HttpLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerOptionsTest {
    @Test
    void withoutFlagsTheEmbeddedDefaultsApply() throws Exception {
        ServerOptions o = ServerOptions.parse(new String[0]);
        assertEquals(5672, o.amqpPort());
        assertEquals(15672, o.httpPort());
        assertEquals(Path.of("data"), o.dataDir());
        assertNull(o.definitions());
    }

    @Test
    void flagsSetPortsDirectoriesAndDefinitions() throws Exception {
        ServerOptions o = ServerOptions.parse(new String[] {"--amqp-port", "5999", "--http-port=16000",
                "--data-dir", "/tmp/w", "--definitions", "defs.json"});
        assertEquals(5999, o.amqpPort());
        assertEquals(16000, o.httpPort());
        assertEquals(Path.of("/tmp/w"), o.dataDir());
        assertEquals(Path.of("defs.json"), o.definitions());
    }

    @Test
    void aConfigFileSetsOptionsAndFlagsWinOverIt(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("warren.conf");
        Files.writeString(config, "amqp-port = 6001\nhttp-port = 16001\nheartbeat = 30\n");
        ServerOptions o = ServerOptions.parse(new String[] {"--config", config.toString(), "--http-port", "17000"});
        assertEquals(6001, o.amqpPort());
        assertEquals(17000, o.httpPort());
        assertEquals(30, o.heartbeat());
    }

    @Test
    void storeFlagsSetTheGroupCommitAndSegmentSizeWithByteUnits() throws Exception {
        ServerOptions o = ServerOptions.parse(new String[] {"--sync-interval-ms", "2.5", "--sync-bytes", "512K",
                "--segment-bytes", "64MiB"});
        assertEquals(2_500, o.store().syncIntervalMicros());
        assertEquals(512 * 1024, o.store().syncBytes());
        assertEquals(64L * 1024 * 1024, o.store().segmentBytes());
    }

    @Test
    void aNegativeSyncIntervalIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--sync-interval-ms", "-1"}));
        assertTrue(e.getMessage().contains("sync-interval-ms must not be negative"), e.getMessage());
    }

    @Test
    void anUnknownOptionIsRejectedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--amqp-prot", "1"}));
        assertTrue(e.getMessage().contains("amqp-prot"), e.getMessage());
    }

    @Test
    void aPortOutOfRangeIsRejectedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--amqp-port", "70000"}));
        assertTrue(e.getMessage().contains("between 0 and 65535"), e.getMessage());
    }

    @Test
    void aFlagWithoutValueIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--data-dir"}));
        assertTrue(e.getMessage().contains("missing value for --data-dir"), e.getMessage());
    }

    @Test
    void theAlarmLimitsDefaultToRabbitMqs() throws Exception {
        ServerOptions o = ServerOptions.parse(new String[0]);
        assertEquals(MemoryWatermark.relative(0.4), o.memoryHighWatermark());
        assertEquals(50_000_000L, o.diskFreeLimit());
    }

    @Test
    void theAlarmLimitsTakeFractionsAndSizesWithUnits(@TempDir Path dir) throws Exception {
        ServerOptions o = ServerOptions.parse(new String[] {"--memory-high-watermark", "0.6",
                "--disk-free-limit", "2GiB"});
        assertEquals(MemoryWatermark.relative(0.6), o.memoryHighWatermark());
        assertEquals(2L << 30, o.diskFreeLimit());
        Path config = dir.resolve("warren.conf");
        Files.writeString(config, "memory-high-watermark = 512MiB\ndisk-free-limit = 1000000\n");
        o = ServerOptions.parse(new String[] {"--config", config.toString()});
        assertEquals(MemoryWatermark.absolute(512L << 20), o.memoryHighWatermark());
        assertEquals(1_000_000L, o.diskFreeLimit());
    }

    @Test
    void badAlarmLimitsAreRejectedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--memory-high-watermark", "4"}));
        assertTrue(e.getMessage().startsWith("memory-high-watermark: "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--disk-free-limit", "50 furlongs"}));
        assertTrue(e.getMessage().contains("disk-free-limit: unknown unit 'furlongs'"), e.getMessage());
    }

    @Test
    void metricsAreOpenUnlessMetricsAuthIsSetByFlagOrConfigFile(@TempDir Path dir) throws Exception {
        assertFalse(ServerOptions.parse(new String[0]).metricsAuth());
        assertTrue(ServerOptions.parse(new String[] {"--metrics-auth", "true"}).metricsAuth());
        Path config = dir.resolve("warren.conf");
        Files.writeString(config, "metrics-auth = true\n");
        assertTrue(ServerOptions.parse(new String[] {"--config", config.toString()}).metricsAuth());
        assertFalse(ServerOptions.parse(new String[] {"--config", config.toString(), "--metrics-auth=false"})
                .metricsAuth());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--metrics-auth", "yes"}));
        assertEquals("metrics-auth must be true or false, got 'yes'", e.getMessage());
    }

    @Test
    void httpLimitsDefaultInRabbitMQsRangeAndAreSetByFlagsOrTheConfigFile(@TempDir Path dir) throws Exception {
        HttpLimits d = ServerOptions.parse(new String[0]).http();
        assertEquals(60_000, d.idleTimeoutMillis());
        assertEquals(60_000, d.requestTimeoutMillis());
        assertEquals(1000, d.maxConnections());
        assertEquals(64 * 1024 * 1024, d.maxBody());
        Path config = dir.resolve("warren.conf");
        Files.writeString(config, "http-idle-timeout = 120\nhttp-max-connections = 50\n");
        HttpLimits o = ServerOptions.parse(new String[] {"--config", config.toString(), "--http-request-timeout",
                "2.5", "--http-max-body", "8MiB", "--http-body-budget", "16MiB"}).http();
        assertEquals(120_000, o.idleTimeoutMillis());
        assertEquals(2_500, o.requestTimeoutMillis());
        assertEquals(50, o.maxConnections());
        assertEquals(8 * 1024 * 1024, o.maxBody());
        assertEquals(16L * 1024 * 1024, o.bodyBudget());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--http-max-connections", "0"}));
        assertTrue(e.getMessage().contains("http-max-connections"), e.getMessage());
    }
}
