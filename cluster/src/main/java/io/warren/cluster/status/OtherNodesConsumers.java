package io.warren.cluster.status;

import io.warren.broker.admin.NodeConsumerView;
import io.warren.cluster.link.ClusterLink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Asks every other running member, over the link, for the consumers of its connections, at once and in parallel,
 * and waits a bounded time for them: a member that has not answered by then is left out (the listing then lacks
 * its consumers, and shows nothing that is not so). Paid only when someone looks.
 */
public final class OtherNodesConsumers {
    /** How long a listing waits for the other members' answers in all. */
    public static final Duration WAIT = Duration.ofSeconds(2);

    private final String self;
    private final ClusterLink link;
    private final Supplier<List<String>> members;
    private final Predicate<String> running;

    /** running: whether a member has been heard from lately (one that is not is not asked). */
    public OtherNodesConsumers(String self, ClusterLink link, Supplier<List<String>> members,
                               Predicate<String> running) {
        this.self = self;
        this.link = link;
        this.members = members;
        this.running = running;
    }

    /** The other running members' consumers: of one queue, of one vhost (queue null), or all (both null). */
    public List<NodeConsumerView> list(String vhost, String queue) {
        List<CompletableFuture<List<NodeConsumerView>>> asked = new ArrayList<>();
        for (String node : members.get()) {
            if (node.equals(self) || !running.test(node)) {
                continue;
            }
            CompletableFuture<List<NodeConsumerView>> f = new CompletableFuture<>();
            link.consumers(node, vhost, queue, answer -> f.complete(answer == null ? List.of() : answer));
            asked.add(f);
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<NodeConsumerView> out = new ArrayList<>();
        for (CompletableFuture<List<NodeConsumerView>> f : asked) {
            try {
                out.addAll(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (TimeoutException | ExecutionException e) {
                // left out: a member that cannot answer in time has no consumers to show
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return out;
    }
}
