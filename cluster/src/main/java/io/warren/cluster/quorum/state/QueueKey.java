package io.warren.cluster.quorum.state;

import java.util.Objects;

/** A quorum queue's name within its shard: its virtual host and its name. */
public record QueueKey(String vhost, String name) {
    public QueueKey {
        Objects.requireNonNull(vhost, "vhost");
        Objects.requireNonNull(name, "name");
    }

    @Override
    public String toString() {
        return "queue '" + name + "' in vhost '" + vhost + "'";
    }
}
