package io.warren.server;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/** The broker as a separate JVM running Main, its output in a file, for tests that kill it. */
public final class BrokerProcess implements AutoCloseable {
    private static final String START_MARK = "\n=== broker process started by the test ===\n";
    private static final Pattern LISTENING = Pattern.compile("listening on [^ ]*:(\\d+)");

    private final Process process;
    private final Path log;
    private final int port;
    private final String host;

    private BrokerProcess(Process process, Path log, int port, String host) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.host = host;
    }

    /**
     * Starts Main with the flags and waits until it listens, or exits first (then {@link #port()} is -1); the
     * output goes to the log file, after a mark, so one file can collect several starts.
     */
    static BrokerProcess start(Path log, String... args) throws IOException, InterruptedException {
        return start(log, List.of(), args);
    }

    /** As {@link #start(Path, String...)}, with options for the JVM (-Dname=value) before the main class. */
    static BrokerProcess start(Path log, List<String> jvmOptions, String... args)
            throws IOException, InterruptedException {
        return start(log, List.of(), "127.0.0.1", jvmOptions, args);
    }

    /**
     * As {@link #start(Path, List, String...)}, with a command the java command is run through (such as
     * {@code ip netns exec NAME}, which execs java in place so the pid stays java's) and the host it is reached at.
     */
    public static BrokerProcess start(Path log, List<String> launcher, String host, List<String> jvmOptions,
            String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        if (!command.contains("--prometheus-port")) {
            // its default, 15692, may be taken by another broker on this machine: any free port will do
            command.addAll(List.of("--prometheus-port", "0"));
        }
        Files.writeString(log, START_MARK, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120); // a cluster node restarting on a loaded 2-core machine took over 60 s
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(lastStart(log));
            if (m.find()) {
                return new BrokerProcess(p, log, Integer.parseInt(m.group(1)), host);
            }
            if (!p.isAlive()) {
                return new BrokerProcess(p, log, -1, host);
            }
            Thread.sleep(50);
        }
        p.destroyForcibly();
        throw new IllegalStateException("broker neither listened nor exited within 120 s:\n" + lastStart(log));
    }

    /** Waits (up to 30 s) for the process to end by itself; returns its exit code. */
    public int awaitExit() throws InterruptedException {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the broker is still running");
        }
        return process.exitValue();
    }

    // the log file collects every start; only the latest one's lines count
    private static String lastStart(Path log) throws IOException {
        String all = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        int at = all.lastIndexOf(START_MARK);
        return at >= 0 ? all.substring(at) : all;
    }

    /** Waits (up to 30 s) until the log since the latest start contains the text; returns that log. */
    public String awaitLog(String text) {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(this::log, l -> l.contains(text));
    }

    /** The log lines since the latest start, without the mark. */
    List<String> lines() throws IOException {
        return log().lines().filter(l -> !l.isBlank() && !START_MARK.strip().equals(l)).toList();
    }

    /** The AMQP port it listens on; -1 when it exited without listening. */
    public int port() {
        return port;
    }

    /** What the broker logged since its latest start. */
    public String log() throws IOException {
        return lastStart(log);
    }

    public Connection connect() throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(host);
        f.setPort(port);
        f.setAutomaticRecoveryEnabled(false);
        f.setRequestedHeartbeat(0);
        return f.newConnection();
    }

    /** The child's process id (for kill -STOP/-CONT). */
    public long pid() {
        return process.pid();
    }

    /** Whether the process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no flush, like a power cut for the process (not for the page cache). */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
