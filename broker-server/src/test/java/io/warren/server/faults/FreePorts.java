package io.warren.server.faults;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for child brokers, picked below the kernel's ephemeral range (32768 and up on Linux): a port probed free
 * with bind(0) comes from that range, and in the seconds before a child JVM binds it the kernel may hand it to an
 * outgoing connection. Each surefire fork (warren.test.fork, 1 or 2) picks from its own half of 12000-32000, so two
 * test JVMs never probe the same port free at once.
 */
public final class FreePorts {
    private static final int FORK = Integer.getInteger("warren.test.fork", 1);
    private static final int LOWEST = FORK % 2 == 1 ? 12000 : 22000;
    private static final int HIGHEST = LOWEST + 10000;

    private FreePorts() {
    }

    /** The first of {@code length} consecutive ports that are free now. */
    public static int run(int length) throws IOException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 500; attempt++) {
            int first = random.nextInt(LOWEST, HIGHEST - length);
            if (allFree(first, length)) {
                return first;
            }
        }
        throw new IOException("no " + length + " free ports in a row in " + LOWEST + "-" + HIGHEST
                + " after 500 attempts");
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
