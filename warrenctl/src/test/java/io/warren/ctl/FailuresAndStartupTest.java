package io.warren.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.broker.RunningBroker;
import io.warren.broker.admin.BrokerAdmin;
import io.warren.ctl.RunningWarren.Result;
import io.warren.management.ManagementServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class FailuresAndStartupTest {
    @RegisterExtension
    static final RunningWarren warren = new RunningWarren();

    /** A port nothing listens on (probed, then closed). */
    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aWrongPasswordEndsWithExitCode77AndSaysWhoseLoginWasRefused() {
        Result r = warren.ctl("--username", "guest", "--password", "wrong", "list_queues");
        assertEquals(ExitCodes.NO_PERMISSION, r.exitCode(), r::toString);
        assertTrue(r.err().contains("refused the login of user 'guest'"), r::toString);
        assertEquals("", r.out());
    }

    @Test
    void aBrokerThatIsNotRunningEndsWithExitCode69() throws Exception {
        Result r = RunningWarren.run("--url", "http://127.0.0.1:" + freePort(), "list_queues");
        assertEquals(ExitCodes.UNAVAILABLE, r.exitCode(), r::toString);
        assertTrue(r.err().contains("cannot reach the broker's management API"), r::toString);
    }

    @Test
    void awaitStartupReturnsAtOnceForARunningBrokerAndTimesOutWith75WhenNoneStarts() throws Exception {
        assertEquals(0, warren.ctl("-q", "await_startup", "-t", "30").exitCode());
        Result r = RunningWarren.run("--url", "http://127.0.0.1:" + freePort(), "await_startup", "--timeout", "1");
        assertEquals(ExitCodes.TEMP_FAIL, r.exitCode(), r::toString);
        assertTrue(r.err().contains("did not start within 1 seconds"), r::toString);
    }

    @Test
    void awaitStartupWaitsForABrokerThatStartsLater() throws Exception {
        int port = freePort();
        CompletableFuture<Result> waiting = CompletableFuture.supplyAsync(() -> RunningWarren.run(
                "--url", "http://127.0.0.1:" + port, "await_startup", "-t", "60"));
        Thread.sleep(1000); // let it find nothing there first
        assertTrue(!waiting.isDone(), () -> "returned before the broker started: " + waiting.join());
        try (RunningBroker broker = RunningBroker.start()) {
            ManagementServer m = new ManagementServer(new BrokerAdmin(broker.broker()), "127.0.0.1", port).start();
            try {
                Result r = waiting.get(60, TimeUnit.SECONDS);
                assertEquals(0, r.exitCode(), r::toString);
            } finally {
                m.close();
            }
        }
    }

    @Test
    void usageErrorsEndWithExitCode64() {
        assertEquals(ExitCodes.USAGE, RunningWarren.run().exitCode());
        Result unknown = RunningWarren.run("list_kittens");
        assertEquals(ExitCodes.USAGE, unknown.exitCode());
        assertTrue(unknown.err().contains("unknown command 'list_kittens'"), unknown::toString);
        Result missing = warren.ctl("add_user", "onlyname");
        assertEquals(ExitCodes.USAGE, missing.exitCode());
        assertTrue(missing.err().contains("usage: warrenctl add_user <username> <password>"), missing::toString);
        assertEquals(ExitCodes.USAGE, warren.ctl("list_queues", "--if-empty").exitCode());
        assertEquals(ExitCodes.USAGE, warren.ctl("-p").exitCode());
        Result help = RunningWarren.run("help", "set_policy");
        assertEquals(0, help.exitCode());
        assertTrue(help.out().contains("--apply-to"), help::toString);
    }

    @Test
    void theBrokersConfigFileGivesThePortAndTheCredentials(@TempDir Path dir) throws Exception {
        int port = Integer.parseInt(warren.url().substring(warren.url().lastIndexOf(':') + 1));
        assertEquals(0, warren.ctl("add_user", "robot", "beep").exitCode());
        assertEquals(0, warren.ctl("set_user_tags", "robot", "administrator").exitCode());
        Path config = dir.resolve("warren.conf");
        Files.writeString(config, "http-port = " + port + "\nbind = 127.0.0.1\nctl-username = robot\n"
                + "ctl-password = beep\n");
        Result r = RunningWarren.run("--config", config.toString(), "-s", "list_users");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.lines().contains("robot\t[administrator]"), r::toString);

        Files.writeString(config, "http-port = " + port + "\nbind = 127.0.0.1\nctl-username = robot\n"
                + "ctl-password = boop\n");
        assertEquals(ExitCodes.NO_PERMISSION, RunningWarren.run("--config", config.toString(), "list_users")
                .exitCode());
        Result noFile = RunningWarren.run("--config", dir.resolve("missing.conf").toString(), "list_users");
        assertEquals(ExitCodes.CONFIG, noFile.exitCode(), noFile::toString);
        Files.writeString(config, "http-port = none\n");
        Result off = RunningWarren.run("--config", config.toString(), "list_users");
        assertEquals(ExitCodes.CONFIG, off.exitCode(), off::toString);
        assertTrue(off.err().contains("give --url"), off::toString);
    }

    @Test
    void statusShowsTheNodeAndItsTotals() {
        Result r = warren.ctl("status");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.lines().get(0).startsWith("Status of node "), r::toString);
        assertTrue(r.out().contains("Product name: Warren"), r::toString);
        assertTrue(r.out().contains("Listener: amqp on port " + warren.amqpPort()), r::toString);
        assertTrue(r.out().contains("Alarms: (none)"), r::toString);
    }
}
