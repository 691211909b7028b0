package io.warren.broker.queue.stream;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the stream tests do with a client: declare streams, publish with confirms, consume and record. */
final class StreamClient {
    private StreamClient() {
    }

    static void declare(Channel ch, String stream, Map<String, Object> more) throws IOException {
        Map<String, Object> args = new java.util.HashMap<>(more);
        args.put("x-queue-type", "stream");
        ch.queueDeclare(stream, true, false, false, args);
    }

    /** Publishes bodies prefix0..prefix(n-1) and waits for their confirms. */
    static void publish(Channel ch, String stream, String prefix, int n) throws Exception {
        publish(ch, stream, prefix, n, null);
    }

    static void publish(Channel ch, String stream, String prefix, int n, AMQP.BasicProperties props)
            throws Exception {
        ch.confirmSelect();
        for (int i = 0; i < n; i++) {
            ch.basicPublish("", stream, props, (prefix + i).getBytes(StandardCharsets.UTF_8));
        }
        ch.waitForConfirmsOrDie(Duration.ofSeconds(30).toMillis());
    }

    /** One delivery as the consumer saw it. */
    record Got(long offset, String body, long tag) {
    }

    /** A consumer that records every delivery and, if told to, acks it. */
    static final class Recorder extends DefaultConsumer {
        final List<Got> got = java.util.Collections.synchronizedList(new ArrayList<>());
        private final boolean ack;

        Recorder(Channel ch, boolean ack) {
            super(ch);
            this.ack = ack;
        }

        @Override
        public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body)
                throws IOException {
            Object offset = props.getHeaders() == null ? null : props.getHeaders().get("x-stream-offset");
            got.add(new Got(offset instanceof Long l ? l : -1, new String(body, StandardCharsets.UTF_8),
                    env.getDeliveryTag()));
            if (ack) {
                getChannel().basicAck(env.getDeliveryTag(), false);
            }
        }

        List<String> bodies() {
            synchronized (got) {
                return got.stream().map(Got::body).toList();
            }
        }

        List<Long> offsets() {
            synchronized (got) {
                return got.stream().map(Got::offset).toList();
            }
        }

        int size() {
            return got.size();
        }
    }

    /** Starts an acking consumer on a new channel with this prefetch, from x-stream-offset (absent when null). */
    static Recorder consume(Channel ch, String stream, int prefetch, String tag, Map<String, Object> args)
            throws IOException {
        ch.basicQos(prefetch);
        Recorder r = new Recorder(ch, true);
        ch.basicConsume(stream, false, tag == null ? "" : tag, false, false, args, r);
        return r;
    }

    static List<String> bodies(String prefix, int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(prefix + i);
        }
        return out;
    }
}
