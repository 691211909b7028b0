package io.warren.broker.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DeliverCallback;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.impl.recovery.AutorecoveringConnection;
import io.warren.broker.RunningBroker;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Java client's automatic recovery (on by default in applications) works against Warren. */
class ClientRecoveryTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();

    @Test
    void aForcedCloseIsRecoveredWithTopologyAndConsumers() throws Exception {
        ConnectionFactory f = broker.factory();
        f.setAutomaticRecoveryEnabled(true);
        f.setTopologyRecoveryEnabled(true);
        f.setNetworkRecoveryInterval(200);
        try (AutorecoveringConnection c = (AutorecoveringConnection) f.newConnection()) {
            Channel ch = c.createChannel();
            ch.exchangeDeclare("recovery.x", "direct", false, true, null);
            String q = ch.queueDeclare().getQueue();
            ch.queueBind(q, "recovery.x", "k");
            BlockingQueue<String> received = new LinkedBlockingQueue<>();
            DeliverCallback onMessage = (tag, d) -> received.add(new String(d.getBody(), StandardCharsets.UTF_8));
            ch.basicConsume(q, true, onMessage, tag -> { });
            CountDownLatch recovered = new CountDownLatch(1);
            c.addRecoveryListener(new RecoveryListener() {
                @Override
                public void handleRecovery(Recoverable r) {
                    recovered.countDown();
                }

                @Override
                public void handleRecoveryStarted(Recoverable r) {
                }
            });

            broker.broker().connections().forEach(AmqpConnection::forceClose);
            assertTrue(recovered.await(20, TimeUnit.SECONDS), "the client should reconnect");

            ch.basicPublish("recovery.x", "k", null, "after recovery".getBytes(StandardCharsets.UTF_8));
            assertEquals("after recovery", received.poll(10, TimeUnit.SECONDS));
            String newName = c.getRecordedQueues().keySet().iterator().next();
            assertNotNull(broker.broker().vhost("/").queue(newName), "the server-named queue was redeclared");
        }
    }
}
