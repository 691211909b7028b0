package io.warren.server;

import io.warren.broker.ByteSize;
import io.warren.broker.FailureReason;
import io.warren.broker.alarm.MemoryWatermark;
import io.warren.broker.channel.ConsumerTimeoutSettings;
import io.warren.management.http.HttpLimits;
import io.warren.store.StoreSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Command-line flags and the optional config file (key = value lines using the flag names without dashes).
 * Flags win over the file.
 */
public record ServerOptions(int amqpPort, int httpPort, Path dataDir, Path definitions, String bindAddress,
                            int heartbeat, int frameMax, MemoryWatermark memoryHighWatermark, long diskFreeLimit,
                            StoreSettings store, boolean metricsAuth, HttpLimits http, TlsOptions tls,
                            LogOptions log, int prometheusPort, ClusterOptions cluster,
                            ConsumerTimeoutSettings consumerTimeout) {

    static final String USAGE = """
            usage: java -jar warren.jar [options]
              --amqp-port N|none  plain AMQP listener port, or none to turn it off (default 5672)
              --http-port N|none  management HTTP port, or none to turn it off (default 15672)
              --prometheus-port N|none  Prometheus metrics under RabbitMQ's names (/metrics,
                                  /metrics/per-object), or none to turn it off (default 15692)
              --tls-cert FILE     server certificate chain, PEM; with --tls-key turns TLS on
              --tls-key FILE      its private key, unencrypted PKCS#8 PEM
              --tls-ca FILE       CA bundle client certificates are checked against, PEM
              --tls-verify-peer true|false   ask clients for a certificate and verify it (default false)
              --tls-fail-if-no-peer-cert true|false   refuse clients without one (default false)
              --tls-engine openssl|jdk   TLS implementation (default openssl: BoringSSL, or the
                                  JDK's when it cannot load)
              --amqps-port N|none AMQP over TLS port (default 5671 when TLS is on)
              --https-port N|none management HTTPS port (default 15671 when TLS is on)
              --data-dir DIR      data directory (default ./data)
              --config FILE       config file of key = value lines (amqp-port = 5672, ...)
              --definitions FILE  definitions file (RabbitMQ export format) loaded at start-up
              --bind ADDRESS      listen address (default 0.0.0.0)
              --heartbeat SECS    heartbeat offered to clients (default 60)
              --frame-max BYTES   largest frame offered to clients (default 131072)
              --memory-high-watermark F|SIZE
                                  block publishers while heap after GC + direct memory is above this:
                                  a fraction of max heap + max direct memory, or a size (default 0.4)
              --disk-free-limit SIZE
                                  block publishers while free space under the data directory is below
                                  this, e.g. 50MB, 1GiB (default 50MB)
              --sync-interval-ms MS  how long a group commit gathers appends before its fsync (default 0:
                                  fsync as soon as the previous one ends; fractions allowed, e.g. 0.5)
              --sync-bytes BYTES  start the fsync early once this much is waiting (default 4MiB)
              --segment-bytes BYTES  size at which a queue's log rolls to a new segment file (default 16MiB)
              --consumer-timeout MS|false
                                  close a channel (406) that holds a delivery unacknowledged for longer than
                                  this, unless its queue sets its own (x-consumer-timeout, policy
                                  consumer-timeout); false for no limit (default 1800000, 30 minutes)
              --consumer-timeout-check-interval MS
                                  how often channels are checked for overdue acknowledgements (default 60000)
              --metrics-auth true|false  /metrics (both ports) only for users tagged monitoring or
                                  administrator, with HTTP basic auth (default false: open, as Prometheus
                                  scrapes it)
              --http-idle-timeout SECS     close an HTTP connection idle this long between requests (default 60)
              --http-request-timeout SECS  a request's head and body must arrive within this (default 60; 408)
              --http-max-connections N     HTTP connections past this are closed at once (default 1000)
              --http-max-body SIZE         largest body of a definitions import or publish (default 64MiB;
                                  other API requests take 1MiB)
              --http-body-budget SIZE      request body bytes buffered at once over all HTTP connections
                                  (default 128MiB; 503 past it)
              --node-name NAME    this node's name (default warren@ and the host name)
              --cluster-port N    port of this node's cluster (Raft) traffic; with it, or with --cluster-nodes,
                                  the node runs in a cluster (default: none, a single node without a Raft
                                  log, exactly as without these options)
              --cluster-link-port N
                                  port of the messages between nodes (default: the cluster port + 1);
                                  other nodes ask this node for it over its cluster port
              --cluster-link-tls true|false
                                  the link between nodes over TLS, both ways: each node shows its
                                  --tls-cert and checks the others' against --tls-ca (default false)
              --quorum-port N     port of this node's quorum-queue Raft server (default: the cluster port + 2);
                                  the cluster records every node's when it forms its quorum shards
              --cluster-nodes name@host:port,...
                                  the cluster's initial members; a node not among them starts empty and
                                  waits to be added (POST /api/cluster/nodes, or warren.jar cluster join)
              --log-level LEVEL   error, warn, info or debug (default info)
              --log-format FORMAT plain, or json: one JSON object per line (default plain); both are ignored
                                  when -Dlogback.configurationFile names a logback file of your own
              --version, -v       print the version and exit
              --help, -h          print this and exit
            Cluster commands (through a member's management API, as warrenctl):
              java -jar warren.jar cluster status|join NAME HOST:PORT|leave NAME [--node URL]
                                  [--username U --password P]
            Config file only, read by warrenctl --config FILE, not by the broker:
              ctl-username = NAME, ctl-password = PASSWORD   the login warrenctl uses (default guest/guest)
            """;

    /**
     * Every key a flag or the config file may name, read from USAGE so that a setting cannot be accepted without
     * being documented there (and, through a test, in the shipped conf/warren.conf).
     */
    static final Set<String> KEYS = keysOf(USAGE);

    private static Set<String> keysOf(String usage) {
        Set<String> keys = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^  --([a-z][a-z0-9-]*)").matcher(usage);
        while (m.find()) {
            keys.add(m.group(1));
        }
        keys.removeAll(Set.of("version", "help")); // actions, not settings
        return Set.copyOf(keys);
    }

    /** Config-file keys for warrenctl, which reads the broker's file to find its HTTP port and a login. */
    static final List<String> CTL_KEYS = List.of("ctl-username", "ctl-password");

    /** The command line is not understood (an unknown option, a missing value): the usage goes with the reason. */
    static final class UsageException extends IllegalArgumentException {
        UsageException(String message) {
            super(message);
        }
    }

    /** --version or -v: print the version and exit, whatever else the command line says. */
    static final class VersionRequested extends RuntimeException {
        VersionRequested() {
            super("--version", null, false, false);
        }
    }

    /**
     * Parses flags (and the config file they name); throws IllegalArgumentException with a readable reason (a
     * {@link UsageException} when the command line itself is not understood), {@link VersionRequested} for -v.
     */
    public static ServerOptions parse(String[] args) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                throw new IllegalArgumentException("");
            }
            if (a.equals("--version") || a.equals("-v")) {
                throw new VersionRequested();
            }
            if (!a.startsWith("--")) {
                throw new UsageException("unexpected argument '" + a + "'");
            }
            String key = a.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else {
                if (i + 1 >= args.length) {
                    throw new UsageException("missing value for --" + key);
                }
                value = args[++i];
            }
            flags.put(key, value);
        }
        Map<String, String> merged = new LinkedHashMap<>();
        String config = flags.get("config");
        if (config != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(Path.of(config))) {
                p.load(r);
            } catch (FileSystemException e) {
                throw new IllegalArgumentException("cannot read config file " + FailureReason.of(e));
            } catch (IOException | IllegalArgumentException e) {
                // not UTF-8, or a malformed unicode escape
                throw new IllegalArgumentException("cannot read config file " + config + ": " + e);
            }
            p.forEach((k, v) -> merged.put(fileKey(k.toString().trim()), v.toString().trim()));
            // the login warrenctl --config uses: the broker shares the file but not these keys
            CTL_KEYS.forEach(merged::remove);
        }
        merged.putAll(flags);
        Set<String> unknown = new TreeSet<>(merged.keySet());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw new UsageException("unknown option(s): " + unknown);
        }
        merged.remove("config");
        TlsOptions tls = TlsOptions.take(merged);
        ServerOptions o = new ServerOptions(
                port(merged.remove("amqp-port"), 5672, "amqp-port"),
                port(merged.remove("http-port"), 15672, "http-port"),
                Path.of(merged.getOrDefault("data-dir", "data")),
                merged.containsKey("definitions") ? Path.of(merged.get("definitions")) : null,
                merged.getOrDefault("bind", "0.0.0.0"),
                integer(merged.remove("heartbeat"), 60, "heartbeat"),
                integer(merged.remove("frame-max"), 131072, "frame-max"),
                watermark(merged.remove("memory-high-watermark")),
                size(merged.remove("disk-free-limit"), 50_000_000L, "disk-free-limit"),
                storeSettings(merged),
                bool(merged.remove("metrics-auth"), false, "metrics-auth"),
                httpLimits(merged),
                tls,
                LogOptions.take(merged),
                port(merged.remove("prometheus-port"), 15692, "prometheus-port"),
                ClusterOptions.take(merged, merged.getOrDefault("bind", "0.0.0.0"), tls.settings()),
                consumerTimeout(merged));
        merged.remove("data-dir");
        merged.remove("definitions");
        merged.remove("bind");
        if (!merged.isEmpty()) {
            throw new UsageException("unknown option(s): " + merged.keySet());
        }
        return o;
    }

    // rabbitmq.conf's name for a setting Warren shares, taken in the config file as well as Warren's own
    private static final Map<String, String> RABBITMQ_KEYS = Map.of("consumer_timeout", "consumer-timeout");

    private static String fileKey(String key) {
        return RABBITMQ_KEYS.getOrDefault(key, key);
    }

    private static ConsumerTimeoutSettings consumerTimeout(Map<String, String> merged) {
        String timeout = merged.remove("consumer-timeout");
        long millis = ConsumerTimeoutSettings.DEFAULT_TIMEOUT_MILLIS;
        if (timeout != null && timeout.trim().equalsIgnoreCase("false")) {
            millis = -1;
        } else if (timeout != null) {
            millis = milliseconds(timeout, "consumer-timeout", "a number of milliseconds or false");
        }
        String interval = merged.remove("consumer-timeout-check-interval");
        long every = ConsumerTimeoutSettings.DEFAULT_CHECK_INTERVAL_MILLIS;
        if (interval != null) {
            every = milliseconds(interval, "consumer-timeout-check-interval", "a number of milliseconds");
            if (every == 0) {
                throw new IllegalArgumentException("consumer-timeout-check-interval must be at least 1, got 0");
            }
        }
        return new ConsumerTimeoutSettings(millis, every);
    }

    private static long milliseconds(String v, String name, String what) {
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be " + what + ", got '" + v + "'");
        }
        if (n < 0) {
            throw new IllegalArgumentException(name + " must not be negative, got " + v);
        }
        return n;
    }

    private static StoreSettings storeSettings(Map<String, String> merged) {
        StoreSettings d = StoreSettings.defaults();
        String interval = merged.remove("sync-interval-ms");
        long micros = d.syncIntervalMicros();
        if (interval != null) {
            try {
                micros = Math.round(Double.parseDouble(interval.trim()) * 1000);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("sync-interval-ms must be a number, got '" + interval + "'");
            }
            if (micros < 0) {
                throw new IllegalArgumentException("sync-interval-ms must not be negative, got " + interval);
            }
        }
        return new StoreSettings(size(merged.remove("segment-bytes"), d.segmentBytes(), "segment-bytes"), micros,
                size(merged.remove("sync-bytes"), d.syncBytes(), "sync-bytes"), d.compactBelow());
    }

    private static HttpLimits httpLimits(Map<String, String> merged) {
        HttpLimits d = HttpLimits.defaults();
        long maxBody = size(merged.remove("http-max-body"), d.maxBody(), "http-max-body");
        if (maxBody > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("http-max-body must be below 2GiB, got " + maxBody);
        }
        int maxConnections = integer(merged.remove("http-max-connections"), d.maxConnections(),
                "http-max-connections");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("http-max-connections must be at least 1, got " + maxConnections);
        }
        return new HttpLimits(seconds(merged.remove("http-idle-timeout"), d.idleTimeoutMillis(), "http-idle-timeout"),
                seconds(merged.remove("http-request-timeout"), d.requestTimeoutMillis(), "http-request-timeout"),
                maxConnections, (int) maxBody,
                size(merged.remove("http-body-budget"), d.bodyBudget(), "http-body-budget"));
    }

    /** Seconds (fractions allowed) as milliseconds; 0 turns the timeout off. */
    private static long seconds(String v, long dfltMillis, String name) {
        if (v == null) {
            return dfltMillis;
        }
        double secs;
        try {
            secs = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number of seconds, got '" + v + "'");
        }
        if (secs < 0) {
            throw new IllegalArgumentException(name + " must not be negative, got " + v);
        }
        return Math.round(secs * 1000);
    }

    /** A port number, or -1 for "none" (the listener is off, as RabbitMQ's listeners.tcp = none). */
    static int port(String v, int dflt, String name) {
        if (v != null && v.trim().equalsIgnoreCase("none")) {
            return -1;
        }
        int p = integer(v, dflt, name);
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException(name + " must be between 0 and 65535, got " + p);
        }
        return p;
    }

    private static MemoryWatermark watermark(String v) {
        if (v == null) {
            return MemoryWatermark.relative(0.4);
        }
        try {
            return MemoryWatermark.parse(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("memory-high-watermark: " + e.getMessage());
        }
    }

    private static long size(String v, long dflt, String name) {
        if (v == null) {
            return dflt;
        }
        try {
            return ByteSize.parse(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
        }
    }

    static boolean bool(String v, boolean dflt, String name) {
        if (v == null) {
            return dflt;
        }
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, got '" + v + "'");
        };
    }

    private static int integer(String v, int dflt, String name) {
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got '" + v + "'");
        }
    }
}
