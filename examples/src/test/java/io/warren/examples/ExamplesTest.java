package io.warren.examples;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import io.warren.broker.RunningBroker;
import io.warren.broker.admin.BrokerAdmin;
import io.warren.management.ManagementServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each example runs to its own success check against an in-process Warren (an example throws when it fails). */
class ExamplesTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();
    final String[] uri = {"amqp://guest:guest@127.0.0.1:" + broker.port()};

    @Test
    void helloWorldReceivesAndAcksWhatItPublishedBeforeClosing() {
        assertDoesNotThrow(() -> HelloWorld.main(uri));
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

    @Test
    void failedMessagesAreRetriedWithBackOffAndFinallyDeadLettered() {
        assertDoesNotThrow(() -> RetryWithBackoff.main(uri));
    }

    @Test
    void aLateConsumerReplaysTheStreamFromTheFirstOffsetWhileANewOneSeesOnlyWhatFollows() {
        assertDoesNotThrow(() -> EventLogReplay.main(uri));
    }

    @Test
    void eachKeyOfASuperStreamStaysInOnePartitionInOrderAndTheGroupsStandbyTakesOverWithoutSkipping()
            throws Exception {
        ManagementServer api = new ManagementServer(new BrokerAdmin(broker.broker()), "127.0.0.1", 0).start();
        try {
            String[] both = {uri[0], "http://127.0.0.1:" + api.port()};
            assertDoesNotThrow(() -> SuperStreamConsumerGroups.main(both));
            assertDoesNotThrow(() -> SuperStreamConsumerGroups.main(both), "a second run starts afresh");
        } finally {
            api.close();
        }
    }
}
