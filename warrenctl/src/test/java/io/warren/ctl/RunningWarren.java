package io.warren.ctl;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.warren.broker.RunningBroker;
import io.warren.broker.admin.BrokerAdmin;
import io.warren.management.ManagementServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A broker and its management server in-process on free ports for a test class, and warrenctl run against it
 * through its real entry point (the same one main calls) over a real HTTP socket.
 */
public final class RunningWarren implements BeforeAllCallback, AfterAllCallback {
    private RunningBroker broker;
    private ManagementServer management;

    @Override
    public void beforeAll(ExtensionContext context) throws InterruptedException {
        broker = RunningBroker.start();
        management = new ManagementServer(new BrokerAdmin(broker.broker()), "127.0.0.1", 0).start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        management.close();
        broker.close();
    }

    public String url() {
        return "http://127.0.0.1:" + management.port();
    }

    public int amqpPort() {
        return broker.port();
    }

    /** A new client connection, as guest to vhost /. */
    public Connection connect() throws Exception {
        return connect("guest", "guest", "/");
    }

    public Connection connect(String user, String password, String vhost) throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(broker.port());
        f.setUsername(user);
        f.setPassword(password);
        f.setVirtualHost(vhost);
        return f.newConnection();
    }

    /** warrenctl with --url pointing here, then the given arguments. */
    public Result ctl(String... args) {
        List<String> all = new ArrayList<>(List.of("--url", url()));
        all.addAll(List.of(args));
        return run(all.toArray(String[]::new));
    }

    /** warrenctl with --url pointing here, which must succeed (exit 0); its result. */
    public Result ok(String... args) {
        Result r = ctl(args);
        if (r.exitCode() != 0) {
            throw new AssertionError("expected exit 0 from " + List.of(args) + ", got " + r);
        }
        return r;
    }

    /** warrenctl with exactly these arguments. */
    public static Result run(String... args) {
        return runWithInput(InputStream.nullInputStream(), args);
    }

    public static Result runWithInput(InputStream in, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = WarrenCtl.run(args, in, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** What a run printed and its exit code. */
    public record Result(int exitCode, String out, String err) {
        public List<String> lines() {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
        }
    }
}
