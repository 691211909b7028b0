package io.warren.broker;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for brokers and cluster nodes that tests start and bind later. Picked below the kernel's ephemeral range
 * (32768 and up on Linux): a port probed free with bind(0) comes from that range, and before the node binds it the
 * kernel may hand it to an outgoing connection. Each surefire fork (warren.test.fork, 1 or 2) walks its own half of
 * 12000-32000 from a random start and never hands out a port twice until it wraps: a node picked now but bound
 * seconds later must not see a port next to it handed to another node in the meantime.
 */
public final class TestPorts {
    private static final int FORK = Integer.getInteger("warren.test.fork", 1);
    private static final int LOWEST = FORK % 2 == 1 ? 12000 : 22000;
    private static final int SPAN = 10000;
    private static int cursor = ThreadLocalRandom.current().nextInt(SPAN);

    private TestPorts() {
    }

    /** The first of {@code length} consecutive ports that are free now and that this JVM has not handed out yet. */
    public static synchronized int run(int length) throws IOException {
        for (int tried = 0; tried < SPAN; tried += length) {
            if (cursor + length > SPAN) {
                cursor = 0;
            }
            int first = LOWEST + cursor;
            cursor += length;
            if (allFree(first, length)) {
                return first;
            }
        }
        throw new IOException("no " + length + " free ports in a row in " + LOWEST + "-" + (LOWEST + SPAN));
    }

    private static boolean allFree(int first, int length) {
        for (int port = first; port < first + length; port++) {
            try (ServerSocket ignored = new ServerSocket(port)) {
                // free now
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
