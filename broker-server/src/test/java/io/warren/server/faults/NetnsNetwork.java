package io.warren.server.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Each node in its own Linux network namespace, joined by a veth pair to a bridge in the test's namespace, so the
 * test reaches every node and per-pair partitions are kernel routes: a blackhole route to b inside a's namespace
 * (and to a inside b's) drops a↔b packets silently while both stay reachable from the test. Needs root and
 * {@code ip}; every name carries a random prefix, and {@link #close()} deletes the namespaces and the bridge.
 */
public final class NetnsNetwork implements NodeNetwork {
    private final String prefix;
    private final String subnet;
    private final int size;
    private final Set<List<Integer>> cut = new LinkedHashSet<>();

    private NetnsNetwork(String prefix, String subnet, int size) {
        this.prefix = prefix;
        this.subnet = subnet;
        this.size = size;
    }

    /** Whether this process may build namespaces: running as root on Linux with {@code ip} on the path. */
    public static boolean available() {
        try {
            Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            boolean root = id.waitFor(10, TimeUnit.SECONDS)
                    && new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().equals("0");
            return root && Files.isDirectory(Path.of("/proc/self/ns"))
                    && new ProcessBuilder("ip", "netns", "list").start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Builds the bridge and one namespace per node on a 10.x.y.0/24 subnet no route of this machine uses. */
    public static NetnsNetwork create(int size) throws IOException, InterruptedException {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String routes = run("ip", "-4", "addr");
        String subnet;
        do {
            subnet = "10." + r.nextInt(100, 200) + "." + r.nextInt(1, 255) + ".";
        } while (routes.contains(subnet) || run("ip", "-4", "route").contains(subnet));
        // interface names are at most 15 characters: wf + 4 hex + br/v2/p2
        NetnsNetwork n = new NetnsNetwork(String.format("wf%04x", r.nextInt(0x10000)), subnet, size);
        try {
            n.build();
            return n;
        } catch (IOException | RuntimeException e) {
            n.close();
            throw e;
        }
    }

    private void build() throws IOException, InterruptedException {
        String bridge = prefix + "br";
        run("ip", "link", "add", bridge, "type", "bridge");
        run("ip", "addr", "add", subnet + "1/24", "dev", bridge);
        run("ip", "link", "set", bridge, "up");
        for (int i = 0; i < size; i++) {
            String ns = namespace(i);
            String outside = prefix + "v" + i;
            String inside = prefix + "p" + i;
            run("ip", "netns", "add", ns);
            run("ip", "link", "add", outside, "type", "veth", "peer", "name", inside);
            run("ip", "link", "set", inside, "netns", ns);
            run("ip", "link", "set", outside, "master", bridge, "up");
            run("ip", "-n", ns, "addr", "add", host(i) + "/24", "dev", inside);
            run("ip", "-n", ns, "link", "set", inside, "up");
            run("ip", "-n", ns, "link", "set", "lo", "up");
        }
    }

    /** The random prefix of every namespace and link it makes (wf and four hex digits). */
    public String prefix() {
        return prefix;
    }

    private String namespace(int i) {
        return prefix + "n" + i;
    }

    @Override
    public String host(int node) {
        return subnet + (11 + node);
    }

    /**
     * Every address of its namespace: the guest user may log in only from loopback, and the namespace's own
     * 127.0.0.1 is the only loopback from which the test can create another user (see ClusterProcesses).
     */
    @Override
    public String bind(int node) {
        return "0.0.0.0";
    }

    @Override
    public List<String> launcher(int node) {
        // ip netns exec execs the command in place: the child's pid is java's, so kill -STOP reaches it
        return List.of("ip", "netns", "exec", namespace(node));
    }

    /** Drops every packet between a node of a and a node of b, both ways; the test still reaches all of them. */
    public void partition(Set<Integer> a, Set<Integer> b) throws IOException, InterruptedException {
        for (int x : a) {
            for (int y : b) {
                drop(x, y);
                drop(y, x);
            }
        }
    }

    /** Cuts node i off from every other node. */
    public void isolate(int i) throws IOException, InterruptedException {
        Set<Integer> others = new HashSet<>();
        for (int n = 0; n < size; n++) {
            if (n != i) {
                others.add(n);
            }
        }
        partition(Set.of(i), others);
    }

    /** One way: packets from node `from` to node `to` are dropped (replies to `from` still arrive). */
    public void drop(int from, int to) throws IOException, InterruptedException {
        if (cut.add(List.of(from, to))) {
            run("ip", "-n", namespace(from), "route", "add", "blackhole", host(to) + "/32");
        }
    }

    /** Removes every partition. */
    public void heal() throws IOException, InterruptedException {
        for (List<Integer> c : new ArrayList<>(cut)) {
            run("ip", "-n", namespace(c.get(0)), "route", "del", "blackhole", host(c.get(1)) + "/32");
            cut.remove(c);
        }
    }

    /** Deletes the namespaces (their veth pairs go with them) and the bridge; errors are ignored. */
    @Override
    public void close() {
        for (int i = 0; i < size; i++) {
            quietly("ip", "netns", "del", namespace(i));
            quietly("ip", "link", "del", prefix + "v" + i);
        }
        quietly("ip", "link", "del", prefix + "br");
    }

    private static void quietly(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            // nothing to remove
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish within 10 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + out);
        }
        return out;
    }
}
