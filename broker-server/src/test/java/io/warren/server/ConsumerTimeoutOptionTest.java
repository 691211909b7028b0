package io.warren.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker-wide delivery acknowledgement timeout, set in the config file under RabbitMQ's name, is in force. */
class ConsumerTimeoutOptionTest {
    @TempDir
    Path dir;

    @Test
    void rabbitmqsConsumerTimeoutKeyInTheConfigFileClosesAChannelThatHoldsADeliveryTooLong() throws Exception {
        Path conf = Files.writeString(dir.resolve("warren.conf"),
                "consumer_timeout = 1000\nconsumer-timeout-check-interval = 100\n");
        ServerOptions options = ServerOptions.parse(new String[] {"--config", conf.toString(), "--amqp-port", "0",
                "--http-port", "none", "--prometheus-port", "none", "--bind", "127.0.0.1", "--data-dir",
                dir.resolve("data").toString()});
        try (ServerStartup.Running running = ServerStartup.start(options)) {
            ConnectionFactory f = new ConnectionFactory();
            f.setHost("127.0.0.1");
            f.setPort(running.broker().port());
            f.setAutomaticRecoveryEnabled(false);
            try (Connection c = f.newConnection()) {
                Channel ch = c.createChannel();
                String q = ch.queueDeclare().getQueue();
                ch.basicPublish("", q, null, "held".getBytes(StandardCharsets.UTF_8));
                assertNotNull(ch.basicGet(q, false), "the publish before it on the channel was routed first");

                await().atMost(Duration.ofSeconds(30)).until(() -> !ch.isOpen());
                AMQP.Channel.Close close = assertInstanceOf(AMQP.Channel.Close.class, ch.getCloseReason().getReason());
                assertEquals(406, close.getReplyCode());
                assertEquals("PRECONDITION_FAILED - delivery acknowledgement on channel 1 timed out. Timeout value "
                        + "used: 1000 ms. This timeout value can be configured, see consumers doc guide to learn more",
                        close.getReplyText());
            }
        }
    }
}
