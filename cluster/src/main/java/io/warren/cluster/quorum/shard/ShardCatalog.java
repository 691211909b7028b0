package io.warren.cluster.quorum.shard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * The cluster's quorum-queue shards: which Raft groups exist, which nodes replicate each and which node is each
 * one's preferred leader, and the address of every node's quorum server. Formed once, when the cluster forms, with
 * a new revision for each membership change, and kept in the definitions log (a global parameter), so every node
 * opens the same groups with the same peers.
 *
 * @param version   the catalogue's format (1)
 * @param shards    the shards, by id
 * @param addresses each member node's quorum server, host:port
 * @param revision  0 as formed; each membership change makes the next one (see {@link #withMembers})
 */
public record ShardCatalog(int version, List<Shard> shards, Map<String, String> addresses, long revision) {
    /** Fewest and most shards a cluster forms with. */
    public static final int MIN_SHARDS = 3;
    public static final int MAX_SHARDS = 16;
    /** Replicas per shard when there are enough nodes. */
    public static final int REPLICAS = 3;
    /** A peer's Raft priority when it is the shard's preferred leader (the others have 0). */
    static final int PREFERRED = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    public ShardCatalog {
        shards = List.copyOf(shards);
        addresses = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(addresses)); // stable JSON
        for (Shard s : shards) {
            for (String m : s.members()) {
                if (!addresses.containsKey(m)) {
                    throw new IllegalArgumentException("shard " + s.id() + " names node '" + m + "', whose quorum "
                            + "address the catalogue does not have");
                }
            }
        }
    }

    /**
     * One shard: a Raft group of its own.
     *
     * @param id              its number, from 0
     * @param replicas        its family: how many replicas its queues have
     * @param members         the nodes that replicate it
     * @param preferredLeader the member it hands leadership to once that member is up to date
     */
    public record Shard(int id, int replicas, List<String> members, String preferredLeader) {
        public Shard {
            members = List.copyOf(members);
            if (!members.contains(preferredLeader)) {
                throw new IllegalArgumentException("shard " + id + "'s preferred leader '" + preferredLeader
                        + "' is not one of its members " + members);
            }
        }

        /** The shard's Raft group id: the same on every node, derived from its number. */
        public RaftGroupId groupId() {
            return groupId(id);
        }

        /** The shard's Raft group (a name-based UUID, made once per shard: asked for per queue, per tick). */
        public static RaftGroupId groupId(int id) {
            return GROUP_IDS.computeIfAbsent(id, n -> RaftGroupId.valueOf(UUID.nameUUIDFromBytes(("warren-quorum-" + n)
                    .getBytes(StandardCharsets.UTF_8))));
        }

        private static final java.util.concurrent.ConcurrentHashMap<Integer, RaftGroupId> GROUP_IDS =
                new java.util.concurrent.ConcurrentHashMap<>();
    }

    /**
     * The catalogue a cluster of these nodes forms with: twice as many shards as nodes (3 to 16), each with
     * min(3, nodes) replicas; shard i is replicated by nodes i, i+1, ... (mod n) and prefers node i mod n as its
     * leader, so leaders and replicas are spread evenly.
     *
     * @param addresses every node's quorum server (host:port), in the cluster's member order
     */
    public static ShardCatalog plan(Map<String, String> addresses) {
        List<String> nodes = new ArrayList<>(addresses.keySet());
        int n = nodes.size();
        if (n == 0) {
            throw new IllegalArgumentException("a shard catalogue needs at least one node");
        }
        int count = Math.max(MIN_SHARDS, Math.min(MAX_SHARDS, 2 * n));
        int replicas = Math.min(REPLICAS, n);
        List<Shard> shards = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<String> members = new ArrayList<>();
            for (int r = 0; r < replicas; r++) {
                members.add(nodes.get((i + r) % n));
            }
            shards.add(new Shard(i, replicas, members, nodes.get(i % n)));
        }
        return new ShardCatalog(1, shards, new LinkedHashMap<>(addresses), 0);
    }

    /** The shard with this id, or null. */
    public Shard shard(int id) {
        return shards.stream().filter(s -> s.id() == id).findFirst().orElse(null);
    }

    /**
     * The next revision of the catalogue, with the shard replicated by these members (a node new to the catalogue
     * needs its quorum address in {@code address}). The replica count follows the members; a preferred leader no
     * longer among them hands over to the first that is.
     */
    public ShardCatalog withMembers(int shardId, List<String> members, String node, String address) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("shard " + shardId + " cannot be left without members");
        }
        Map<String, String> addrs = new LinkedHashMap<>(addresses);
        if (node != null && address != null) {
            addrs.putIfAbsent(node, address);
        }
        List<Shard> out = new ArrayList<>();
        for (Shard s : shards) {
            if (s.id() != shardId) {
                out.add(s);
                continue;
            }
            String preferred = members.contains(s.preferredLeader()) ? s.preferredLeader() : members.get(0);
            out.add(new Shard(s.id(), members.size(), members, preferred));
        }
        // a node no shard names any more keeps its address: it may be grown into shards again
        return new ShardCatalog(version, out, addrs, revision + 1);
    }

    /** The shards this node replicates. */
    public List<Shard> shardsOf(String node) {
        return shards.stream().filter(s -> s.members().contains(node)).toList();
    }

    /** The Raft group of a shard: its members at their quorum addresses, the preferred leader first in priority. */
    public RaftGroup group(Shard s) {
        List<RaftPeer> peers = new ArrayList<>();
        for (String m : s.members()) {
            peers.add(RaftPeer.newBuilder().setId(RaftPeerId.valueOf(m)).setAddress(addresses.get(m))
                    .setPriority(m.equals(s.preferredLeader()) ? PREFERRED : 0).build());
        }
        return RaftGroup.valueOf(s.groupId(), peers);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the shard catalogue", e);
        }
    }

    /** Parses the catalogue; throws IllegalArgumentException naming what is wrong. */
    public static ShardCatalog fromJson(String json) {
        try {
            return JSON.readValue(json, ShardCatalog.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the quorum shard catalogue is not readable: "
                    + e.getOriginalMessage(), e);
        }
    }
}
