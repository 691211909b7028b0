package io.warren.broker.channel;

import static io.warren.broker.TestMessages.utf8;
import static io.warren.broker.WireErrors.awaitChannelClosed;
import static io.warren.broker.WireErrors.channelClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.Return;
import io.warren.broker.Deliveries;
import io.warren.broker.RunningBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DirectReplyToTest {
    static final String REPLY_TO = "amq.rabbitmq.reply-to";
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();
    static Connection server;
    static Connection client;
    static String rpcQueue;
    static final BlockingQueue<String> seenReplyTo = new LinkedBlockingQueue<>();

    /** An RPC server on its own connection: answers "echo: body" to each request's reply-to. */
    @BeforeAll
    static void startServer() throws Exception {
        server = broker.connect();
        client = broker.connect();
        Channel ch = server.createChannel();
        rpcQueue = ch.queueDeclare("rpc", false, false, false, null).getQueue();
        ch.basicConsume(rpcQueue, true, new DefaultConsumer(ch) {
            @Override
            public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body)
                    throws IOException {
                seenReplyTo.add(props.getReplyTo());
                AMQP.BasicProperties reply = new AMQP.BasicProperties.Builder()
                        .correlationId(props.getCorrelationId()).build();
                ch.basicPublish("", props.getReplyTo(), reply,
                        ("echo: " + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
            }
        });
    }

    static AMQP.BasicProperties request(String correlationId) {
        return new AMQP.BasicProperties.Builder().replyTo(REPLY_TO).correlationId(correlationId).build();
    }

    @Test
    void aReplyToThePseudoQueueArrivesAtTheRequestingChannel() throws Exception {
        try (Channel ch = client.createChannel()) {
            Deliveries replies = new Deliveries(ch);
            String tag = ch.basicConsume(REPLY_TO, true, replies);
            ch.basicPublish("", rpcQueue, request("c-1"), utf8("ping"));
            Deliveries.Delivery r = replies.next();
            assertEquals("echo: ping", r.text());
            assertEquals("c-1", r.properties().getCorrelationId());
            assertEquals(tag, r.consumerTag());
            String rewritten = seenReplyTo.poll(10, TimeUnit.SECONDS);
            assertNotNull(rewritten);
            assertTrue(rewritten.startsWith(REPLY_TO + "."), "reply-to was not rewritten: " + rewritten);
            assertEquals(rewritten, r.envelope().getRoutingKey());
            assertFalse(r.redelivered());
        }
    }

    @Test
    void manyRequestsGetTheirRepliesInOrder() throws Exception {
        try (Channel ch = client.createChannel()) {
            Deliveries replies = new Deliveries(ch);
            ch.basicConsume(REPLY_TO, true, replies);
            for (int i = 0; i < 50; i++) {
                ch.basicPublish("", rpcQueue, request("c" + i), ("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            for (int i = 0; i < 50; i++) {
                Deliveries.Delivery r = replies.next();
                assertEquals("echo: m" + i, r.text());
                assertEquals("c" + i, r.properties().getCorrelationId());
            }
            seenReplyTo.clear();
        }
    }

    @Test
    void publishingWithThePseudoQueueAsReplyToWithoutConsumingItClosesTheChannelWith406() throws Exception {
        Channel ch = client.createChannel();
        ch.basicPublish("", rpcQueue, request("x"), utf8("ping"));
        AMQP.Channel.Close close = awaitChannelClosed(ch);
        assertEquals(406, close.getReplyCode());
        assertTrue(close.getReplyText().contains("fast reply consumer does not exist"), close.getReplyText());
    }

    @Test
    void consumingThePseudoQueueWithManualAckIsRefusedWith406() throws Exception {
        Channel ch = client.createChannel();
        AMQP.Channel.Close close = channelClose(() -> ch.basicConsume(REPLY_TO, false, new Deliveries(ch)));
        assertEquals(406, close.getReplyCode());
    }

    @Test
    void aReplyToAnAddressWhoseConsumerIsGoneIsUnroutable() throws Exception {
        String address;
        try (Channel ch = client.createChannel()) {
            Deliveries replies = new Deliveries(ch);
            ch.basicConsume(REPLY_TO, true, replies);
            ch.basicPublish("", rpcQueue, request("old"), utf8("ping"));
            replies.next();
            address = seenReplyTo.poll(10, TimeUnit.SECONDS);
        }
        try (Channel ch = server.createChannel()) {
            BlockingQueue<Return> returns = new LinkedBlockingQueue<>();
            ch.addReturnListener(returns::add);
            ch.basicPublish("", address, true, null, utf8("late"));
            Return r = returns.poll(10, TimeUnit.SECONDS);
            assertNotNull(r, "a reply to a gone consumer must be returned");
            assertEquals(312, r.getReplyCode());
        }
    }
    @Test
    void aPassiveDeclareOfThePseudoQueueAnswersDeclareOkAsRabbitMqSoClientsUseFastReplies() throws Exception {
        try (Channel ch = client.createChannel()) {
            AMQP.Queue.DeclareOk ok = ch.queueDeclarePassive(REPLY_TO);
            assertEquals(REPLY_TO, ok.getQueue());
            assertEquals(0, ok.getMessageCount());
            assertEquals(1, ok.getConsumerCount(), "RabbitMQ counts the reply consumer as there by definition");
        }
    }

    @Test
    void aPassiveDeclareOfAReplyAddressAChannelHoldsAnswersDeclareOk() throws Exception {
        try (Channel ch = client.createChannel()) {
            Deliveries replies = new Deliveries(ch);
            ch.basicConsume(REPLY_TO, true, replies);
            ch.basicPublish("", rpcQueue, request("held"), utf8("ping"));
            replies.next();
            String address = seenReplyTo.poll(10, TimeUnit.SECONDS);
            assertNotNull(address);
            try (Channel other = server.createChannel()) {
                AMQP.Queue.DeclareOk ok = other.queueDeclarePassive(address);
                assertEquals(address, ok.getQueue());
                assertEquals(0, ok.getMessageCount());
                assertEquals(1, ok.getConsumerCount());
            }
        }
    }

    @Test
    void aPassiveDeclareOfAReplyAddressNobodyHoldsFailsWith404() throws Exception {
        String address = REPLY_TO + ".nobody-holds-this";
        Channel ch = client.createChannel();
        AMQP.Channel.Close close = channelClose(() -> ch.queueDeclarePassive(address));
        assertEquals(404, close.getReplyCode());
        assertEquals("NOT_FOUND - no queue '" + address + "' in vhost '/'", close.getReplyText());
    }
}
