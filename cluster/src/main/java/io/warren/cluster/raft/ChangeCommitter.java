package io.warren.cluster.raft;

import io.warren.broker.error.AmqpException;
import io.warren.cluster.log.DefinitionChange;
import io.warren.cluster.state.AppliedState;
import io.warren.cluster.state.Claims;
import io.warren.cluster.state.DefinitionStateMachine;
import io.warren.codec.ReplyCodes;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;

/**
 * Submits a change to the cluster and waits, at most the commit timeout, until a majority has committed it. A
 * refusal by the state machine becomes the AMQP error it names; no majority in time becomes RabbitMQ's answer
 * when its metadata store times out: a connection error internal-error (541), here with what this node can reach.
 */
public final class ChangeCommitter implements AutoCloseable {
    private final RaftClient client;
    private final Claims claims;
    private final Duration timeout;
    private final Supplier<String> reachability;
    private final ExecutorService sends = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "warren-cluster-submit");
        t.setDaemon(true);
        return t;
    });

    /** reachability: e.g. "1 of 3 nodes reachable", for the error text. */
    public ChangeCommitter(RaftClient client, Claims claims, Duration timeout, Supplier<String> reachability) {
        this.client = client;
        this.claims = claims;
        this.timeout = timeout;
        this.reachability = reachability;
    }

    /** Returns once the change is committed (the caller then applies it to memory); throws when it is not. */
    public void commit(DefinitionChange c) {
        if (c.request() != 0) {
            claims.waiting(c.request());
        }
        Future<RaftClientReply> sent = sends.submit(() -> client.io().send(Message.valueOf(
                new String(c.toBytes(), java.nio.charset.StandardCharsets.UTF_8))));
        RaftClientReply reply = null;
        try {
            reply = sent.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | ExecutionException e) {
            // no majority in time (or Ratis gave up retrying)
        }
        if (reply == null || !reply.isSuccess()) {
            if (c.request() == 0 || claims.abandon(c.request())) {
                sent.cancel(true);
                throw noMajority();
            }
            return; // committed and applied while the wait ran out: it succeeded, and the caller applies it
        }
        AppliedState.Refusal refusal = DefinitionStateMachine.refusal(reply.getMessage());
        if (refusal != null) {
            claims.forget(c.request());
            throw AmqpException.channel(refusal.replyCode(), "%s", refusal.text());
        }
        claims.callerApplies(c.request());
    }

    /** The error a change gets when no majority commits it in time. */
    public AmqpException noMajority() {
        return AmqpException.connection(ReplyCodes.INTERNAL_ERROR, "cluster has no majority: %s, definitions "
                + "cannot change (waited %d s); reads still work", reachability.get(), timeout.toSeconds());
    }

    @Override
    public void close() {
        sends.shutdownNow();
    }
}
