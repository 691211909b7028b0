package io.warren.broker.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.warren.broker.BrokerConfig;
import io.warren.broker.RunningBroker;
import io.warren.broker.auth.Permission;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Python's pika over AMQPS: PLAIN through TLS, and EXTERNAL with a client certificate. Skipped where no Python has
 * pika, except when WARREN_REQUIRE_TOOLS is set (.ci/run installs python3-pika and sets it).
 */
class PikaOverTlsTest {
    private static final String SCRIPT = """
            import ssl, sys, pika
            port, ca, client = int(sys.argv[1]), sys.argv[2], sys.argv[3]
            def run(label, credentials, cert=None):
                context = ssl.create_default_context(cafile=ca)
                if cert:
                    context.load_cert_chain(cert + ".pem", cert + ".key")
                connection = pika.BlockingConnection(pika.ConnectionParameters(host="localhost", port=port,
                    credentials=credentials, ssl_options=pika.SSLOptions(context, "localhost")))
                channel = connection.channel()
                queue = channel.queue_declare("", exclusive=True).method.queue
                channel.basic_publish("", queue, label.encode())
                body = None
                while body is None:
                    _, _, body = channel.basic_get(queue, auto_ack=True)
                print(label, body.decode(), connection._impl._transport._sock.version())
                connection.close()
            run("plain", pika.PlainCredentials("guest", "guest"))
            run("external", pika.credentials.ExternalCredentials(), client)
            """;

    private static String pythonWithPika() {
        for (String python : List.of("/usr/bin/python3", "python3")) {
            try {
                Process p = new ProcessBuilder(python, "-c", "import pika").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return python;
                }
            } catch (IOException | InterruptedException e) {
                // not this one
            }
        }
        return null;
    }

    @Test
    void pikaPublishesAndGetsOverTlsWithPlainAndWithExternal(@TempDir Path dir) throws Exception {
        String python = pythonWithPika();
        if (System.getenv("WARREN_REQUIRE_TOOLS") != null) {
            assertTrue(python != null, "python3 with pika, and WARREN_REQUIRE_TOOLS says this run must have it");
        } else {
            assumeTrue(python != null, "python3 with pika");
        }
        TestCertificates certs = TestCertificates.create(dir);
        String client = certs.issueClient("alice");
        Path script = dir.resolve("pika_tls.py");
        Files.writeString(script, SCRIPT);
        BrokerConfig config = BrokerConfig.defaults().withTls(0, certs.verifyingSettings(false));
        try (RunningBroker b = RunningBroker.start(config)) {
            b.broker().users().putUser("alice", "never used 8812", Set.of());
            b.broker().users().setPermission("alice", "/", Permission.ALL);
            Process p = new ProcessBuilder(python, script.toString(), String.valueOf(b.broker().tlsPort()),
                    certs.ca().toString(), dir.resolve(client).toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("plain plain TLSv1.3"), out);
            assertTrue(out.contains("external external TLSv1.3"), out);
        }
    }
}
