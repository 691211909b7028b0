package io.warren.cluster.link;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Keeps a request that names a queue (a get, a purge, a count, a take) behind the publishes sent to that queue before
 * it, now that publishes go over a connection of their own: the home node reports how many publish frames of the
 * connection it has handed to their queues ({@link LinkFrames#HANDLED}), and a request waits until that count
 * covers the last publish sent to its queue. Its queue's thread then runs the request after those publishes, as when
 * one connection carried both. Requests for other queues, settles and consumes never wait.
 */
final class PublishOrder {
    private long sent;
    private long handled;
    // the count of frames sent before the current connection opened (its HANDLED counts start at 0)
    private long base;
    // the number of the last publish frame sent to each queue, until the home node has handled every frame sent
    private final Map<String, Long> lastSent = new HashMap<>();
    private final List<Waiter> waiters = new ArrayList<>();

    private record Waiter(long seq, Runnable request) {
    }

    /** A publish frame for that queue goes out now (called in the order frames are written). */
    synchronized void sent(String vhost, String queue) {
        sent++;
        lastSent.put(key(vhost, queue), sent);
    }

    /** The connection opened; the first waiting frames written on it are the last waiting ones counted. */
    synchronized void opened(int waitingFrames) {
        base = sent - waitingFrames;
    }

    /** The home node has handed count publish frames of the current connection to their queues. */
    void handled(long count) {
        List<Runnable> run;
        synchronized (this) {
            handled = Math.max(handled, base + count);
            run = due();
        }
        run.forEach(Runnable::run);
    }

    /** The connection dropped or failed: what was sent is handled or lost, and nothing waits for it. */
    void lost() {
        List<Runnable> run;
        synchronized (this) {
            handled = sent;
            run = due();
        }
        run.forEach(Runnable::run);
    }

    /** Runs request (on this thread, or on the link's once the publishes before it are handled). */
    void after(String vhost, String queue, Runnable request) {
        synchronized (this) {
            Long last = lastSent.get(key(vhost, queue));
            if (last != null && last > handled) {
                waiters.add(new Waiter(last, request));
                return;
            }
        }
        request.run();
    }

    // under this
    private List<Runnable> due() {
        List<Runnable> run = new ArrayList<>();
        for (Iterator<Waiter> i = waiters.iterator(); i.hasNext(); ) {
            Waiter w = i.next();
            if (w.seq() <= handled) {
                run.add(w.request());
                i.remove();
            }
        }
        if (handled >= sent) {
            lastSent.clear();
        }
        return run;
    }

    private static String key(String vhost, String queue) {
        return vhost + '\u0000' + queue;
    }
}
