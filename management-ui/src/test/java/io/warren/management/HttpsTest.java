package io.warren.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.broker.BrokerConfig;
import io.warren.broker.RunningBroker;
import io.warren.broker.admin.BrokerAdmin;
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
            assertEquals(200, get(certs.clientContext(), base + "/").statusCode());
            // a client that does not trust the CA does not get in
            assertThrows(IOException.class, () -> get(SSLContext.getDefault(), base + "/api/overview"));
        }
    }
}
