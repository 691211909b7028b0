package io.warren.examples;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import io.warren.broker.RunningBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each example runs to its own success check against an in-process Warren (an example throws when it fails). */
class ExamplesTest {
    static RunningBroker broker;
    static String[] uri;

    @BeforeAll
    static void start() {
        broker = RunningBroker.start();
        uri = new String[] {"amqp://guest:guest@127.0.0.1:" + broker.port()};
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void workQueueProcessesEveryTask() {
        assertDoesNotThrow(() -> WorkQueue.main(uri));
    }

    @Test
    void fanoutReachesEverySubscriber() {
        assertDoesNotThrow(() -> PubSubFanout.main(uri));
    }

    @Test
    void topicSubscribersGetTheKeysTheirPatternsMatch() {
        assertDoesNotThrow(() -> TopicRouting.main(uri));
    }

    @Test
    void rpcRepliesArriveThroughDirectReplyTo() {
        assertDoesNotThrow(() -> RpcWithDirectReplyTo.main(uri));
    }
}
