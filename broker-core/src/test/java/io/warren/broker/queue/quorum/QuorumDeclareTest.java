package io.warren.broker.queue.quorum;

import static io.warren.broker.TestMessages.unique;
import static io.warren.broker.WireErrors.channelClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.broker.BrokerConfig;
import io.warren.broker.RunningBroker;
import io.warren.broker.durable.DefinitionReplication;
import io.warren.broker.policy.PolicyException;
import io.warren.broker.policy.PolicyFixture;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.QueueDeclaration;
import io.warren.broker.queue.QueueFactory;
import io.warren.broker.queue.QueuePlacement;
import io.warren.broker.queue.classic.ClassicQueueFactory;
import io.warren.store.definitions.DefinitionStore;
import io.warren.store.definitions.DefinitionWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Declaring quorum queues with the RabbitMQ Java client: RabbitMQ 4's argument and property checks with its
 * replies, the refusal of a node that cannot make quorum queues yet, and, on a broker given a stand-in quorum
 * engine (what the cluster module will plug in), the declarations that reach it and the redeclarations compared
 * with what it made.
 */
class QuorumDeclareTest {
    private static final String NOT_YET = "quorum queues are not supported by Warren yet; declare the queue as "
            + "classic (see docs/quorum.md)";

    /** What the stand-in engine was asked to make. */
    private static final List<QueueDeclaration> MADE = new CopyOnWriteArrayList<>();

    @RegisterExtension
    static final RunningBroker single = RunningBroker.perClass();

    @RegisterExtension
    static final RunningBroker withEngine = RunningBroker.perClass(BrokerConfig.defaults(), new StandInEngine());

    final Connection conn = single.connect();
    final Connection engineConn = withEngine.connect();

    private static Map<String, Object> quorum(Object... keysAndValues) {
        Map<String, Object> args = new HashMap<>();
        args.put("x-queue-type", "quorum");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            args.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return args;
    }

    private AMQP.Channel.Close refused(Connection c, String queue, boolean durable, boolean exclusive,
                                       boolean autoDelete, Map<String, Object> args) throws Exception {
        Channel ch = c.createChannel();
        return channelClose(() -> ch.queueDeclare(queue, durable, exclusive, autoDelete, args));
    }

    private static void assertRefusal(AMQP.Channel.Close close, String text) {
        assertEquals(406, close.getReplyCode());
        assertEquals("PRECONDITION_FAILED - " + text, close.getReplyText());
    }

    // ---- a node without a quorum engine ----

    @Test
    void aSingleNodeRefusesAQuorumQueueSayingItIsNotSupportedYetNotThatItNeedsACluster() throws Exception {
        String q = unique("votes");
        assertRefusal(refused(conn, q, true, false, false, quorum()),
                "invalid arg 'x-queue-type' for queue '" + q + "' in vhost '/': \"" + NOT_YET + "\"");
        assertNull(single.broker().vhost("/").queue(q), "nothing was made");
    }

    @Test
    void aQuorumQueueWithEveryArgumentItTakesPassesTheRulesAndMeetsOnlyTheNotYetRefusal() throws Exception {
        String q = unique("votes");
        AMQP.Channel.Close close = refused(conn, q, true, false, false, quorum("x-quorum-initial-group-size", 3,
                "x-delivery-limit", -1, "x-max-length", 10, "x-max-length-bytes", 1_000_000L,
                "x-overflow", "reject-publish", "x-dead-letter-exchange", "dlx", "x-dead-letter-routing-key", "dead",
                "x-dead-letter-strategy", "at-least-once", "x-message-ttl", 60_000, "x-expires", 3_600_000,
                "x-single-active-consumer", true, "x-queue-leader-locator", "balanced",
                "x-max-in-memory-length", 5, "x-max-in-memory-bytes", 5_000, "x-unknown-to-every-type", "kept"));
        assertRefusal(close, "invalid arg 'x-queue-type' for queue '" + q + "' in vhost '/': \"" + NOT_YET + "\"");
    }

    // ---- RabbitMQ 4's rules, on any node ----

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("x-quorum-initial-group-size", 0, "{value_zero,0}"),
                Arguments.of("x-quorum-initial-group-size", -3, "{value_negative,-3}"),
                Arguments.of("x-quorum-initial-group-size", "three", "\"expected integer, got longstr\""),
                Arguments.of("x-dead-letter-strategy", "exactly-once", "invalid_dlx_strategy"),
                Arguments.of("x-dead-letter-strategy", 1, "{unacceptable_type,signedint}"),
                Arguments.of("x-queue-leader-locator", "nearest", "invalid_queue_locator_arg"),
                Arguments.of("x-delivery-limit", "twenty", "\"expected integer, got longstr\""),
                Arguments.of("x-max-in-memory-length", -1, "{value_negative,-1}"),
                Arguments.of("x-max-length", -1, "{value_negative,-1}"),
                Arguments.of("x-overflow", "reject-all", "{invalid_value,<<\"reject-all\">>}; expected one of "
                        + "drop-head, reject-publish, reject-publish-dlx"),
                Arguments.of("x-expires", 0, "{value_zero,0}; it must be at least 1 ms"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("badValues")
    void anArgumentWithABadValueIsRefusedWithRabbitMqsReason(String argument, Object value, String reason)
            throws Exception {
        String q = unique("votes");
        assertRefusal(refused(conn, q, true, false, false, quorum(argument, value)),
                "invalid arg '" + argument + "' for queue '" + q + "' in vhost '/': " + reason);
    }

    static Stream<Arguments> otherTypesArguments() {
        return Stream.of(
                Arguments.of("x-max-priority", 10),
                Arguments.of("x-queue-mode", "lazy"),
                Arguments.of("x-queue-version", 2),
                Arguments.of("x-queue-master-locator", "min-masters"),
                Arguments.of("x-max-age", "7D"),
                Arguments.of("x-stream-max-segment-size-bytes", 500_000_000),
                Arguments.of("x-initial-cluster-size", 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("otherTypesArguments")
    void anArgumentOfAnotherQueueTypeIsRefusedByNameAsRabbitMq4RefusesIt(String argument, Object value)
            throws Exception {
        String q = unique("votes");
        assertRefusal(refused(conn, q, true, false, false, quorum(argument, value)),
                "invalid arg '" + argument + "' for queue '" + q + "' in vhost '/' of queue type rabbit_quorum_queue");
    }

    static Stream<Arguments> properties() {
        return Stream.of(
                Arguments.of(true, false, true, "invalid property 'auto-delete'"),
                Arguments.of(true, true, false, "invalid property 'exclusive-owner'"),
                Arguments.of(false, false, false, "invalid property 'non-durable'"),
                // RabbitMQ checks auto-delete, then exclusive, then durable
                Arguments.of(false, true, true, "invalid property 'auto-delete'"));
    }

    @ParameterizedTest(name = "durable={0} exclusive={1} autoDelete={2}")
    @MethodSource("properties")
    void aQuorumQueueMustBeDurableNotExclusiveAndNotAutoDelete(boolean durable, boolean exclusive,
                                                               boolean autoDelete, String text) throws Exception {
        String q = unique("votes");
        assertRefusal(refused(conn, q, durable, exclusive, autoDelete, quorum()),
                text + " for queue '" + q + "' in vhost '/'");
    }

    @Test
    void argumentsAreCheckedBeforeTheProperties() throws Exception {
        String q = unique("votes");
        assertRefusal(refused(conn, q, false, false, true, quorum("x-max-priority", 5)),
                "invalid arg 'x-max-priority' for queue '" + q + "' in vhost '/' of queue type rabbit_quorum_queue");
    }

    @Test
    void aServerNamedQuorumQueueIsRefusedAsRabbitMqRefusesIt() throws Exception {
        assertRefusal(refused(conn, "", true, false, false, quorum()),
                "Cannot declare a server-named queue for type rabbit_quorum_queue");
    }

    @Test
    void theRulesApplyOnANodeThatMakesQuorumQueuesToo() throws Exception {
        String q = unique("votes");
        assertRefusal(refused(engineConn, q, true, false, false, quorum("x-queue-mode", "lazy")),
                "invalid arg 'x-queue-mode' for queue '" + q + "' in vhost '/' of queue type rabbit_quorum_queue");
        assertRefusal(refused(engineConn, q, false, false, false, quorum()),
                "invalid property 'non-durable' for queue '" + q + "' in vhost '/'");
        assertTrue(MADE.stream().noneMatch(d -> d.name().equals(q)), "the engine was never asked");
    }

    // ---- policies with quorum queue settings ----

    static Stream<Arguments> badPolicies() {
        return Stream.of(
                Arguments.of("delivery-limit", -1, "-1 is not a valid delivery limit"),
                Arguments.of("dead-letter-strategy", "twice", "\"twice\" is not a valid dead letter strategy"),
                Arguments.of("overflow", "drop-tail", "\"drop-tail\" is not a valid overflow value"),
                Arguments.of("max-length", -1, "-1 is not a valid maximum length"),
                Arguments.of("target-group-size", 0, "0 is not a valid qq target count value"),
                Arguments.of("queue-leader-locator", "nearest", "\"nearest\" is not a valid queue leader locator "
                        + "value"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("badPolicies")
    void aPolicyWithABadQuorumSettingIsRefusedWithRabbitMqsText(String key, Object value, String text) {
        PolicyException e = assertThrows(PolicyException.class, () -> PolicyFixture.set(single, "/",
                unique("qq"), "^votes", "quorum_queues", 0, Map.of(key, value)));
        assertEquals("Validation failed\n\n" + text + " (policy key '" + key + "')\n", e.getMessage());
    }

    @Test
    void aPolicyWithTheQuorumSettingsRabbitMq4TakesIsAccepted() {
        String name = unique("qq");
        PolicyFixture.set(single, "/", name, "^votes", "quorum_queues", 0, Map.of("delivery-limit", 0,
                "dead-letter-strategy", "at-least-once", "overflow", "reject-publish", "max-length", 1000,
                "max-length-bytes", 1_000_000, "target-group-size", 3, "queue-leader-locator", "balanced",
                "message-ttl", 60_000, "expires", 3_600_000, "dead-letter-exchange", "dlx"));
        PolicyFixture.clear(single, "/", name);
    }

    // ---- a node whose placement makes quorum queues ----

    @Test
    void anAcceptedDeclarationReachesTheQuorumFactoryWithItsArguments() throws Exception {
        String q = unique("votes");
        Channel ch = engineConn.createChannel();
        ch.queueDeclare(q, true, false, false, quorum("x-delivery-limit", 5, "x-overflow", "reject-publish-dlx"));
        QueueDeclaration made = MADE.stream().filter(d -> d.name().equals(q)).findFirst().orElseThrow();
        assertEquals("quorum", made.arguments().get("x-queue-type").toString());
        assertEquals(5, made.arguments().get("x-delivery-limit"));
        // as RabbitMQ 4: accepted with a warning, and what the queue does is drop-head
        assertEquals(QuorumSettingsView.DROP_HEAD, QuorumSettingsView.overflowOf(made));
    }

    @Test
    void redeclaringWithTheSameArgumentsIsAccepted() throws Exception {
        String q = unique("votes");
        Channel ch = engineConn.createChannel();
        ch.queueDeclare(q, true, false, false, quorum("x-max-length", 100));
        ch.queueDeclare(q, true, false, false, quorum("x-max-length", 100));
        assertEquals(1, MADE.stream().filter(d -> d.name().equals(q)).count(), "made once");
    }

    static Stream<Arguments> inequivalent() {
        return Stream.of(
                Arguments.of(quorum("x-delivery-limit", 20), "inequivalent arg 'x-delivery-limit' for queue '%s' in "
                        + "vhost '/': received the value '20' of type 'signedint' but current is none"),
                Arguments.of(quorum("x-quorum-initial-group-size", 5), "inequivalent arg "
                        + "'x-quorum-initial-group-size' for queue '%s' in vhost '/': received '5' but current is '3'"),
                Arguments.of(quorum("x-queue-leader-locator", "balanced", "x-quorum-initial-group-size", 3),
                        "inequivalent arg 'x-queue-leader-locator' for queue '%s' in vhost '/': received the value "
                                + "'balanced' of type 'longstr' but current is none"),
                Arguments.of(Map.of("x-quorum-initial-group-size", 3), "inequivalent arg 'x-queue-type' for queue "
                        + "'%s' in vhost '/': received none but current is the value 'quorum' of type 'longstr'"));
    }

    @ParameterizedTest
    @MethodSource("inequivalent")
    void redeclaringWithOtherArgumentsIsRefusedWithRabbitMqsText(Map<String, Object> redeclared, String text)
            throws Exception {
        String q = unique("votes");
        engineConn.createChannel().queueDeclare(q, true, false, false, quorum("x-quorum-initial-group-size", 3));
        assertRefusal(refused(engineConn, q, true, false, false, redeclared), String.format(text, q));
    }

    @Test
    void aRedeclarationIsComparedOnlyOnTheArgumentsQuorumQueuesTake() throws Exception {
        String q = unique("votes");
        engineConn.createChannel().queueDeclare(q, true, false, false, quorum());
        // not an argument of quorum queues, so not compared (RabbitMQ compares the queue type's arguments)
        AMQP.Queue.DeclareOk ok = engineConn.createChannel().queueDeclare(q, true, false, false,
                quorum("x-message-deduplication", true));
        assertEquals(q, ok.getQueue());
        assertEquals(1, MADE.stream().filter(d -> d.name().equals(q)).count(), "made once");
    }

    @Test
    void aRedeclarationWithABadArgumentGetsTheArgumentsRefusalNotAnInequivalence() throws Exception {
        String q = unique("votes");
        engineConn.createChannel().queueDeclare(q, true, false, false, quorum());
        assertRefusal(refused(engineConn, q, true, false, false, quorum("x-max-priority", 3)),
                "invalid arg 'x-max-priority' for queue '" + q + "' in vhost '/' of queue type rabbit_quorum_queue");
    }

    @Test
    void aQuorumQueueTakesQuorumPoliciesCombinedByRabbitMqsQuorumRulesAndNotClassicOnes() throws Exception {
        String q = unique("votes");
        engineConn.createChannel().queueDeclare(q, true, false, false, quorum("x-overflow", "drop-head",
                "x-delivery-limit", 5, "x-dead-letter-exchange", "own-dlx", "x-max-length", 50));
        String quorumPolicy = unique("qq");
        String classicPolicy = unique("cq");
        PolicyFixture.set(withEngine, "/", quorumPolicy, "^" + q + "$", "quorum_queues", 0, Map.of(
                "overflow", "reject-publish", "delivery-limit", 3, "dead-letter-exchange", "policy-dlx",
                "max-length", 80, "message-ttl", 60_000, "queue-mode", "lazy"));
        PolicyFixture.set(withEngine, "/", classicPolicy, "^" + q + "$", "classic_queues", 10,
                Map.of("message-ttl", 1));
        try {
            AmqpQueue queue = PolicyFixture.awaitApplied(withEngine, "/", q);
            Map<String, Object> effective = queue.effectiveArguments();
            assertEquals(quorumPolicy, queue.policyName(), "the classic_queues policy does not fit it");
            assertEquals("reject-publish", effective.get("x-overflow").toString(), "the policy's overflow wins");
            assertEquals(3, effective.get("x-delivery-limit"), "the lower delivery limit wins");
            assertEquals("own-dlx", effective.get("x-dead-letter-exchange").toString(), "the argument's DLX wins");
            assertEquals(50, effective.get("x-max-length"), "the lower length limit wins");
            assertEquals(60_000, effective.get("x-message-ttl"), "what only the policy sets counts");
            assertNull(effective.get("x-queue-mode"), "queue-mode does not apply to quorum queues");
        } finally {
            PolicyFixture.clear(withEngine, "/", quorumPolicy);
            PolicyFixture.clear(withEngine, "/", classicPolicy);
        }
    }

    /** A placement like the cluster's will be: no remote homes, and a quorum factory (here, classic queues). */
    private static final class StandInEngine implements DefinitionReplication {
        @Override
        public DefinitionWriter writer(DefinitionStore local) {
            return local;
        }

        @Override
        public boolean createsDefaults() {
            return true;
        }

        @Override
        public QueuePlacement placement() {
            return new QueuePlacement() {
                @Override
                public QueueFactory remoteFactory(String vhost, String queue, Map<String, Object> arguments) {
                    return null;
                }

                @Override
                public QueueFactory quorumQueues() {
                    return new QueueFactory() {
                        private final QueueFactory classic = new ClassicQueueFactory();

                        @Override
                        public AmqpQueue create(QueueDeclaration declaration, Consumer<AmqpQueue> record) {
                            MADE.add(declaration);
                            return classic.create(declaration, record);
                        }
                    };
                }
            };
        }
    }

    /** What the rules make of a declaration's arguments, as a quorum engine would read them. */
    private static final class QuorumSettingsView {
        static final String DROP_HEAD = "DROP_HEAD";

        static String overflowOf(QueueDeclaration d) {
            return QuorumDeclareRules.checkArguments(d.name(), d.vhost(), d.arguments()).lifecycle().overflow().name();
        }
    }
}
