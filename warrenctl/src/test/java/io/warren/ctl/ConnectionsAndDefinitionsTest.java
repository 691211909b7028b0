package io.warren.ctl;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.ctl.RunningWarren.Result;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ConnectionsAndDefinitionsTest {
    @RegisterExtension
    static final RunningWarren warren = new RunningWarren();

    @Test
    void closeConnectionClosesTheClientConnectionListConnectionsNamesAndTellsTheClientWhy() throws Exception {
        Connection c = warren.connect();
        try {
            Result list = warren.ok("-s", "list_connections", "name", "user", "vhost", "state");
            String line = list.lines().stream().filter(l -> l.endsWith("\tguest\t/\trunning")).findFirst()
                    .orElseThrow(() -> new AssertionError(list));
            String name = line.substring(0, line.indexOf('\t'));
            assertTrue(warren.ok("-s", "-p", "/", "list_connections", "name").lines().contains(name));
            warren.ok("add_vhost", "elsewhere");
            assertFalse(warren.ok("-s", "-p", "elsewhere", "list_connections", "name").lines().contains(name),
                    "-p lists only that vhost's connections");

            Result close = warren.ok("close_connection", name, "maintenance window");
            assertTrue(close.out().contains("Closing connection \"" + name + "\""), close::toString);
            await().atMost(Duration.ofSeconds(30)).until(() -> !c.isOpen());
            String why = c.getCloseReason().getMessage();
            assertTrue(why.contains("CONNECTION_FORCED - maintenance window"), why);
            await().atMost(Duration.ofSeconds(30)).until(() -> !warren.ctl("-s", "list_connections", "name")
                    .lines().contains(name));
        } finally {
            c.abort();
        }
        Result missing = warren.ctl("close_connection", "127.0.0.1:1 -> 127.0.0.1:2");
        assertEquals(ExitCodes.DATA_ERROR, missing.exitCode(), missing::toString);
    }

    @Test
    void definitionsExportedToAFileComeBackWhenImported(@TempDir Path dir) throws Exception {
        warren.ok("add_vhost", "billing");
        warren.ok("add_user", "accountant", "pw");
        warren.ok("set_permissions", "-p", "billing", "accountant", ".*", ".*", ".*");
        warren.ok("set_policy", "-p", "billing", "ttl", "^tmp\\.", "{\"message-ttl\": 60000}");
        try (Connection c = warren.connect("guest", "guest", "billing"); Channel ch = c.createChannel()) {
            ch.exchangeDeclare("ledger", "direct", true);
            ch.queueDeclare("entries", true, false, false, null);
            ch.queueBind("entries", "ledger", "entry");
        }
        Path file = dir.resolve("defs.json");
        Result export = warren.ok("export_definitions", file.toString());
        assertEquals("Exporting definitions in JSON to a file at \"" + file + "\" ...", export.lines().get(0));
        String json = Files.readString(file);
        assertTrue(json.contains("\"accountant\"") && json.contains("\"entries\""), json);

        warren.ok("delete_vhost", "billing");
        warren.ok("delete_user", "accountant");
        assertFalse(warren.ok("-s", "list_vhosts").lines().contains("billing"));

        warren.ok("import_definitions", file.toString());
        assertTrue(warren.ok("-s", "list_vhosts").lines().contains("billing"));
        assertTrue(warren.ok("-s", "list_users").out().contains("accountant\t"));
        assertTrue(warren.ok("-s", "-p", "billing", "list_permissions").lines().contains("accountant\t.*\t.*\t.*"));
        assertTrue(warren.ok("-s", "-p", "billing", "list_queues", "name").lines().contains("entries"));
        assertTrue(warren.ok("-s", "-p", "billing", "list_bindings", "source_name", "destination_name", "routing_key")
                .lines().contains("ledger\tentries\tentry"));
        assertTrue(warren.ok("-s", "-p", "billing", "list_policies", "name").lines().contains("ttl"));
        try (Connection c = warren.connect("accountant", "pw", "billing")) {
            assertTrue(c.isOpen(), "the imported user logs in with its exported password hash");
        }
    }

    @Test
    void definitionsImportFromStandardInputAndExportToStandardOutput() {
        String defs = "{\"vhosts\": [{\"name\": \"piped\"}], \"queues\": [{\"name\": \"piped.q\", \"vhost\":"
                + " \"piped\", \"durable\": true, \"auto_delete\": false, \"arguments\": {}}]}";
        Result r = RunningWarren.runWithInput(new ByteArrayInputStream(defs.getBytes(StandardCharsets.UTF_8)),
                "--url", warren.url(), "import_definitions");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(warren.ok("-s", "-p", "piped", "list_queues", "name").lines().contains("piped.q"));
        Result out = warren.ok("export_definitions", "-");
        assertTrue(out.out().startsWith("{") && out.out().contains("\"piped.q\""), out::toString);
    }

    @Test
    void aFileThatIsNotJsonIsADataErrorAndImportsNothing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broken.json");
        Files.writeString(file, "{\"vhosts\": [{\"name\": \"half\"}");
        Result r = warren.ctl("import_definitions", file.toString());
        assertEquals(ExitCodes.DATA_ERROR, r.exitCode(), r::toString);
        assertTrue(r.err().contains("is not JSON"), r::toString);
        assertFalse(warren.ok("-s", "list_vhosts").lines().contains("half"));
        Result missing = warren.ctl("import_definitions", dir.resolve("nope.json").toString());
        assertEquals(ExitCodes.DATA_ERROR, missing.exitCode(), missing::toString);
    }
}
