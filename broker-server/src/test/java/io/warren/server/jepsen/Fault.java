package io.warren.server.jepsen;

/** The faults the nemesis can make. */
public enum Fault {
    /** SIGKILL of the node that holds a queue (its home, or for quorum queues its leader), then a restart. */
    KILL_HOME("kill-home"),
    /** SIGKILL of a node that holds no queue (or any node when every node holds one), then a restart. */
    KILL_OTHER("kill-other"),
    /** SIGSTOP, then SIGCONT a few seconds later: a long GC pause or a hung host. */
    PAUSE("pause"),
    /** A node cut off from the other nodes (clients still reach it), then healed. Needs root and ip netns. */
    PARTITION("partition");

    private final String label;

    Fault(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
