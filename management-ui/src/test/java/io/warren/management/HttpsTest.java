package io.warren.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultSaslConfig;
import io.warren.broker.BrokerConfig;
import io.warren.broker.RunningBroker;
import io.warren.broker.admin.BrokerAdmin;
import io.warren.broker.auth.Permission;
import io.warren.broker.tls.TestCertificates;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The management API and console over HTTPS, with the broker's certificate; plain HTTP can be turned off. */
class HttpsTest {
    private static HttpResponse<String> get(SSLContext tls, String url) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8)))
                .GET().build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theApiAndConsoleAnswerOverHttpsWithPlainHttpTurnedOff(@TempDir Path dir) throws Exception {
        TestCertificates certs = TestCertificates.create(dir);
        try (RunningBroker broker = RunningBroker.start(BrokerConfig.defaults().withTls(0, certs.serverSettings()));
             ManagementServer server = new ManagementServer(new BrokerAdmin(broker.broker()), "127.0.0.1", -1, 0,
                     broker.broker().tlsContext()).start()) {
            assertEquals(-1, server.port());
            String base = "https://localhost:" + server.httpsPort();
            HttpResponse<String> overview = get(certs.clientContext(), base + "/api/overview");
            assertEquals(200, overview.statusCode(), overview.body());
            assertTrue(overview.body().contains("\"management_version\""), overview.body());
            // the listeners as they are: AMQPS and HTTPS with their ports, no plain HTTP
            java.util.Map<String, Integer> listeners = new java.util.HashMap<>();
            new ObjectMapper().readTree(overview.body()).path("listeners").forEach(l ->
                    listeners.put(l.path("protocol").asText(), l.path("port").asInt()));
            assertEquals(java.util.Map.of("amqp", broker.broker().port(), "amqp/ssl", broker.broker().tlsPort(),
                    "https", server.httpsPort()), listeners);
            assertEquals(200, get(certs.clientContext(), base + "/").statusCode());
            // a client that does not trust the CA does not get in (nothing but TLS answers on the HTTPS port)
            assertThrows(IOException.class, () -> get(SSLContext.getDefault(), base + "/api/overview"));
        }
    }

    @Test
    void connectionsShowTheirTlsSessionClientCertificateAndLoginMechanism(@TempDir Path dir) throws Exception {
        TestCertificates certs = TestCertificates.create(dir);
        certs.issueClient("alice");
        try (RunningBroker broker = RunningBroker.start(BrokerConfig.defaults()
                .withTls(0, certs.verifyingSettings(false)));
             ManagementServer server = new ManagementServer(new BrokerAdmin(broker.broker()), "127.0.0.1", 0, 0,
                     broker.broker().tlsContext()).start()) {
            broker.broker().users().putUser("alice", "never used 5521", Set.of());
            broker.broker().users().setPermission("alice", "/", Permission.ALL);
            ConnectionFactory f = broker.factory();
            f.setPort(broker.broker().tlsPort());
            f.useSslProtocol(certs.clientContext("client-alice"));
            f.setSaslConfig(DefaultSaslConfig.EXTERNAL);
            try (Connection tls = f.newConnection();
                 Connection plain = broker.factory().newConnection()) {
                String base = "https://localhost:" + server.httpsPort();
                String json = get(certs.clientContext(), base + "/api/connections").body();
                JsonNode list = new ObjectMapper()
                        .readTree(json);
                assertEquals(2, list.size(), json);
                for (JsonNode c : list) {
                    if (c.path("user").asText().equals("alice")) {
                        assertTrue(c.path("ssl").asBoolean(), json);
                        assertEquals("EXTERNAL", c.path("auth_mechanism").asText(), json);
                        assertTrue(c.path("ssl_protocol").asText().startsWith("TLSv1."), json);
                        assertEquals("CN=alice,O=Warren Tests", c.path("peer_cert_subject").asText(), json);
                        assertEquals("CN=Warren Test CA", c.path("peer_cert_issuer").asText(), json);
                    } else {
                        assertEquals("guest", c.path("user").asText(), json);
                        assertEquals(false, c.path("ssl").asBoolean(), json);
                        assertEquals("PLAIN", c.path("auth_mechanism").asText(), json);
                    }
                }
            }
        }
    }
}
