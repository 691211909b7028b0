package io.warren.cluster.quorum.front;

import static io.warren.cluster.quorum.front.QuorumPublishTest.connect;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.MessageProperties;
import io.warren.broker.Broker;
import io.warren.broker.channel.ConsumerTimeoutSettings;
import io.warren.cluster.TestCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery acknowledgement timeout on a quorum queue: its deliveries reach a channel as any queue's do, so the
 * channel on another node that holds one past x-consumer-timeout is closed with 406, its consumer is gone and what
 * it held goes to the next consumer.
 */
class QuorumConsumerTimeoutTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    @TempDir
    Path dir;
    private TestCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private Broker broker(int i) {
        return cluster.node(i).broker();
    }

    private static DefaultConsumer collecting(Channel ch, List<String> into) {
        return new DefaultConsumer(ch) {
            @Override
            public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties props,
                                       byte[] body) {
                into.add(new String(body, StandardCharsets.UTF_8));
            }
        };
    }

    @Test
    void aQuorumConsumerHoldingADeliveryPastTheTimeoutHasItsChannelClosed() throws Exception {
        cluster = QuorumPublishTest.threeNodesWithShards(new TestCluster(dir, 3).brokerConfig(c ->
                c.withConsumerTimeout(new ConsumerTimeoutSettings(ConsumerTimeoutSettings.DEFAULT_TIMEOUT_MILLIS,
                        100))));
        try (Connection a = connect(broker(0)); Channel ch = a.createChannel()) {
            ch.queueDeclare("slow", true, false, false, Map.of("x-queue-type", "quorum", "x-consumer-timeout", 1000));
            // a bad value is refused for a quorum queue as for a classic one
            IOException bad = assertThrows(IOException.class, () -> a.createChannel().queueDeclare("bad", true,
                    false, false, Map.of("x-queue-type", "quorum", "x-consumer-timeout", -1)));
            AMQP.Channel.Close refused = (AMQP.Channel.Close) ((com.rabbitmq.client.ShutdownSignalException)
                    bad.getCause()).getReason();
            assertEquals(406, refused.getReplyCode());
            assertEquals("PRECONDITION_FAILED - invalid arg 'x-consumer-timeout' for queue 'bad' in vhost '/': "
                    + "{value_negative,-1}", refused.getReplyText());
        }
        await().atMost(WAIT).until(() -> IntStream.range(0, 3)
                .allMatch(i -> broker(i).vhost("/").queue("slow") instanceof QuorumQueue));

        List<String> held = new CopyOnWriteArrayList<>();
        try (Connection b = connect(broker(1)); Connection c = connect(broker(2))) {
            Channel holder = b.createChannel();
            holder.basicQos(10);
            holder.basicConsume("slow", false, collecting(holder, held));
            Channel publisher = c.createChannel();
            publisher.confirmSelect();
            publisher.basicPublish("", "slow", MessageProperties.PERSISTENT_TEXT_PLAIN,
                    "held".getBytes(StandardCharsets.UTF_8));
            publisher.waitForConfirmsOrDie(30_000);
            await().atMost(WAIT).until(() -> held.equals(List.of("held")));

            await().atMost(WAIT).until(() -> !holder.isOpen());
            AMQP.Channel.Close close = assertInstanceOf(AMQP.Channel.Close.class,
                    holder.getCloseReason().getReason());
            assertEquals(406, close.getReplyCode());
            assertEquals("PRECONDITION_FAILED - delivery acknowledgement on channel " + holder.getChannelNumber()
                    + " timed out. Timeout value used: 1000 ms. This timeout value can be configured, see consumers "
                    + "doc guide to learn more", close.getReplyText());
            assertTrue(b.isOpen(), "only the channel closes");
            QuorumQueue onA = (QuorumQueue) broker(0).vhost("/").queue("slow");
            await().atMost(WAIT).until(() -> onA.localCounts().consumers() == 0);
            // what the closed channel held goes back, and to the next consumer
            List<String> next = new CopyOnWriteArrayList<>();
            Channel another = c.createChannel();
            another.basicConsume("slow", true, collecting(another, next));
            await().atMost(WAIT).until(() -> next.equals(List.of("held")));
        }
    }
}
