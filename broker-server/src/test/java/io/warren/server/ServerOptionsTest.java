package io.warren.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.broker.alarm.MemoryWatermark;
import io.warren.broker.channel.ConsumerTimeoutSettings;
import io.warren.management.http.HttpLimits;
import io.warren.broker.tls.TlsEngine;
import io.warren.broker.tls.TlsSettings;
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
    void warrenctlsLoginKeysInTheConfigFileAreLeftToItButAreNoBrokerFlags(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("warren.conf");
        Files.writeString(config, "http-port = 16002\nctl-username = ops\nctl-password = secret\n");
        assertEquals(16002, ServerOptions.parse(new String[] {"--config", config.toString()}).httpPort());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--ctl-username", "ops"}));
        assertTrue(e.getMessage().contains("ctl-username"), e.getMessage());
    }

    @Test
    void logLevelAndFormatComeFromTheConfigFileAndFlagsWin(@TempDir Path dir) throws Exception {
        assertEquals(LogOptions.defaults(), ServerOptions.parse(new String[0]).log());
        Path config = dir.resolve("warren.conf");
        Files.writeString(config, "log-level = warning\nlog-format = json\n");
        ServerOptions o = ServerOptions.parse(new String[] {"--config", config.toString(), "--log-level", "debug"});
        assertEquals(new LogOptions(org.slf4j.event.Level.DEBUG, LogOptions.Format.JSON), o.log());
        assertEquals(org.slf4j.event.Level.WARN, ServerOptions.parse(new String[] {"--config", config.toString()})
                .log().level());
        assertThrows(IllegalArgumentException.class, () -> ServerOptions.parse(new String[] {"--log-format", "xml"}));
    }

    @Test
    void theConsumerTimeoutIsRabbitmqsByDefaultAndSetByFlagOrByEitherNameInTheConfigFile(@TempDir Path dir)
            throws Exception {
        assertEquals(ConsumerTimeoutSettings.defaults(), ServerOptions.parse(new String[0]).consumerTimeout());
        assertEquals(new ConsumerTimeoutSettings(60_000, 500), ServerOptions.parse(new String[] {
                "--consumer-timeout", "60000", "--consumer-timeout-check-interval", "500"}).consumerTimeout());
        assertFalse(ServerOptions.parse(new String[] {"--consumer-timeout", "false"}).consumerTimeout().enabled());
        Path config = dir.resolve("warren.conf");
        Files.writeString(config, "consumer_timeout = 3600000\n"); // rabbitmq.conf's name
        assertEquals(3_600_000, ServerOptions.parse(new String[] {"--config", config.toString()}).consumerTimeout()
                .timeoutMillis());
    }

    @Test
    void aBadConsumerTimeoutIsRefusedNamingTheSetting() {
        IllegalArgumentException soon = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--consumer-timeout", "soon"}));
        assertEquals("consumer-timeout must be a number of milliseconds or false, got 'soon'", soon.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--consumer-timeout", "-5"}));
        assertEquals("consumer-timeout must not be negative, got -5", negative.getMessage());
        IllegalArgumentException never = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--consumer-timeout-check-interval", "0"}));
        assertEquals("consumer-timeout-check-interval must be at least 1, got 0", never.getMessage());
    }

    @Test
    void versionAnywhereOnTheCommandLineAsksForTheVersion() {
        assertThrows(ServerOptions.VersionRequested.class,
                () -> ServerOptions.parse(new String[] {"--amqp-port", "1", "-v"}));
        assertThrows(ServerOptions.VersionRequested.class, () -> ServerOptions.parse(new String[] {"--version"}));
    }

    @Test
    void thePrometheusPortDefaultsToRabbitmqsAndIsSetOrTurnedOffByFlagOrConfigFile(@TempDir Path dir)
            throws Exception {
        assertEquals(15692, ServerOptions.parse(new String[0]).prometheusPort());
        assertEquals(-1, ServerOptions.parse(new String[] {"--prometheus-port", "none"}).prometheusPort());
        Path config = dir.resolve("warren.conf");
        Files.writeString(config, "prometheus-port = 16692\n");
        assertEquals(16692, ServerOptions.parse(new String[] {"--config", config.toString()}).prometheusPort());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--prometheus-port", "70000"}));
        assertEquals("prometheus-port must be between 0 and 65535, got 70000", e.getMessage());
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

    @Test
    void withoutCertificatesThereIsNoTls() throws Exception {
        ServerOptions o = ServerOptions.parse(new String[0]);
        assertNull(o.tls().settings());
        assertEquals(-1, o.tls().amqpsPort());
        assertEquals(-1, o.tls().httpsPort());
    }

    @Test
    void tlsFlagsSetTheCertificatesPeerVerificationEngineAndRabbitMqsDefaultPorts() throws Exception {
        ServerOptions o = ServerOptions.parse(new String[] {"--tls-cert", "/etc/w/cert.pem", "--tls-key",
                "/etc/w/key.pem", "--tls-ca", "/etc/w/ca.pem", "--tls-verify-peer", "true",
                "--tls-fail-if-no-peer-cert=true", "--tls-engine", "jdk"});
        TlsSettings s = o.tls().settings();
        assertEquals(Path.of("/etc/w/cert.pem"), s.certChain());
        assertEquals(Path.of("/etc/w/key.pem"), s.key());
        assertEquals(Path.of("/etc/w/ca.pem"), s.ca());
        assertTrue(s.verifyPeer());
        assertTrue(s.failIfNoPeerCert());
        assertEquals(TlsEngine.JDK, s.engine());
        assertEquals(5671, o.tls().amqpsPort());
        assertEquals(15671, o.tls().httpsPort());
        assertEquals(5672, o.amqpPort(), "the plain listener stays unless turned off");
    }

    @Test
    void aConfigFileSetsTlsAndNoneTurnsPlainListenersOff(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("warren.conf");
        Files.writeString(config, "tls-cert = c.pem\ntls-key = k.pem\namqps-port = 6671\nhttps-port = none\n"
                + "amqp-port = none\nhttp-port = none\n");
        ServerOptions o = ServerOptions.parse(new String[] {"--config", config.toString()});
        assertEquals(6671, o.tls().amqpsPort());
        assertEquals(-1, o.tls().httpsPort());
        assertEquals(-1, o.amqpPort());
        assertEquals(-1, o.httpPort());
        assertEquals(TlsEngine.DEFAULT, o.tls().settings().engine());
    }

    @Test
    void tlsOptionsWithoutACertificateOrPeerVerificationWithoutACaAreRejected() {
        IllegalArgumentException noCert = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--amqps-port", "5671"}));
        assertTrue(noCert.getMessage().contains("need tls-cert and tls-key"), noCert.getMessage());
        IllegalArgumentException noCa = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--tls-cert", "c.pem", "--tls-key", "k.pem",
                        "--tls-verify-peer", "true"}));
        assertTrue(noCa.getMessage().contains("needs a CA bundle"), noCa.getMessage());
        IllegalArgumentException badBool = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--tls-cert", "c.pem", "--tls-key", "k.pem",
                        "--tls-verify-peer", "yes"}));
        assertTrue(badBool.getMessage().contains("tls-verify-peer must be true or false"), badBool.getMessage());
    }

    @Test
    void withoutClusterFlagsTheNodeIsNotInACluster() {
        ServerOptions o = ServerOptions.parse(new String[] {"--node-name", "warren@solo"});
        assertEquals("warren@solo", o.cluster().nodeName());
        assertEquals(null, o.cluster().settings());
        assertTrue(ServerOptions.parse(new String[0]).cluster().nodeName().startsWith("warren@"));
    }

    @Test
    void clusterNodesNameTheMembersAndThisNodesPortComesFromItsEntry() {
        ServerOptions o = ServerOptions.parse(new String[] {"--node-name", "warren@b", "--cluster-nodes",
                "warren@a@10.0.0.1:7000,warren@b@10.0.0.2:7001"});
        var s = o.cluster().settings();
        assertEquals(7001, s.port());
        assertEquals(2, s.members().size());
        assertEquals("warren@a", s.members().get(0).name());
        assertEquals("10.0.0.1", s.members().get(0).host());
        assertTrue(s.initialMember());
    }

    @Test
    void aClusterPortAloneMakesAClusterOfOneThatOthersCanJoin() {
        var s = ServerOptions.parse(new String[] {"--node-name", "a", "--cluster-port", "7100", "--bind",
                "127.0.0.1"}).cluster().settings();
        assertEquals(1, s.members().size());
        assertEquals("a@127.0.0.1:7100", s.members().get(0).toString());
    }

    @Test
    void badClusterOptionsAreRefusedWithTheReason() {
        IllegalArgumentException noPort = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--node-name", "d", "--cluster-nodes", "a@h:7000"}));
        assertTrue(noPort.getMessage().contains("cluster-port is needed"), noPort.getMessage());
        IllegalArgumentException badEntry = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--cluster-nodes", "a-host-7000"}));
        assertTrue(badEntry.getMessage().contains("write name@host:port"), badEntry.getMessage());
        IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--node-name", "a", "--cluster-port", "7001",
                        "--cluster-nodes", "a@h:7000"}));
        assertTrue(mismatch.getMessage().contains("differs"), mismatch.getMessage());
    }
}
