package io.warren.cluster.quorum.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.cluster.log.DefinitionChange;
import io.warren.cluster.state.AppliedState;
import io.warren.store.definitions.GlobalParameterRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.ratis.protocol.RaftPeer;
import org.junit.jupiter.api.Test;

/** How a cluster's shards are planned, written down and kept once formed. */
class ShardCatalogTest {
    private static Map<String, String> nodes(int n) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            out.put("n" + i, "10.0.0." + i + ":7002");
        }
        return out;
    }

    private static Map<String, Integer> count(List<String> names) {
        Map<String, Integer> out = new TreeMap<>();
        names.forEach(n -> out.merge(n, 1, Integer::sum));
        return out;
    }

    @Test
    void twiceAsManyShardsAsNodesBetweenThreeAndSixteenWithLeadersAndReplicasSpreadEvenly() {
        assertEquals(3, ShardCatalog.plan(nodes(1)).shards().size());
        assertEquals(4, ShardCatalog.plan(nodes(2)).shards().size());
        assertEquals(10, ShardCatalog.plan(nodes(5)).shards().size());
        assertEquals(16, ShardCatalog.plan(nodes(9)).shards().size());

        ShardCatalog five = ShardCatalog.plan(nodes(5));
        assertEquals(Map.of("n0", 2, "n1", 2, "n2", 2, "n3", 2, "n4", 2),
                count(five.shards().stream().map(ShardCatalog.Shard::preferredLeader).toList()));
        List<String> replicas = new ArrayList<>();
        five.shards().forEach(s -> {
            assertEquals(3, s.members().size());
            assertEquals(3, s.members().stream().distinct().count());
            replicas.addAll(s.members());
        });
        assertEquals(Map.of("n0", 6, "n1", 6, "n2", 6, "n3", 6, "n4", 6), count(replicas));
        assertEquals(List.of(2, 2, 2, 2), ShardCatalog.plan(nodes(2)).shards().stream()
                .map(s -> s.members().size()).toList());
    }

    @Test
    void aShardsGroupHasItsMembersAtTheirQuorumAddressesAndPrefersItsLeader() {
        ShardCatalog c = ShardCatalog.plan(nodes(3));
        ShardCatalog.Shard s = c.shards().get(4);
        var group = c.group(s);
        assertEquals(s.groupId(), group.getGroupId());
        assertEquals(ShardCatalog.Shard.groupId(4), group.getGroupId());
        for (RaftPeer p : group.getPeers()) {
            assertEquals(c.addresses().get(p.getId().toString()), p.getAddress());
            assertEquals(p.getId().toString().equals(s.preferredLeader()) ? 1 : 0, p.getPriority());
        }
        assertEquals("n1", s.preferredLeader());
    }

    @Test
    void theCatalogueReadsBackAsItWasWrittenAndABrokenOneIsNamed() {
        ShardCatalog c = ShardCatalog.plan(nodes(4));
        assertEquals(c, ShardCatalog.fromJson(c.toJson()));
        assertEquals(c.toJson(), ShardCatalog.fromJson(c.toJson()).toJson());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> ShardCatalog.fromJson("{\"version\":1,\"shards\":[{\"id\":0,\"replicas\":1,"
                        + "\"members\":[\"x\"],\"preferredLeader\":\"x\"}],\"addresses\":{}}"));
        assertTrue(bad.getMessage().contains("quorum shard catalogue is not readable"), bad.getMessage());
    }

    @Test
    void theFirstCatalogueInTheLogStaysAndCannotBeDeleted() {
        AppliedState state = new AppliedState();
        List<String> told = new ArrayList<>();
        state.onQuorumShards(told::add);
        String first = ShardCatalog.plan(nodes(3)).toJson();
        String second = ShardCatalog.plan(nodes(2)).toJson();
        assertNull(state.quorumShards());

        state.applied(state.check(put(first)));
        // another node's plan, or an import of another cluster's definitions, keeps the first
        DefinitionChange later = state.check(put(second));
        assertEquals(first, later.row(GlobalParameterRow.class).valueJson());
        state.applied(later);

        var refused = assertThrows(AppliedState.Refused.class, () -> state.check(new DefinitionChange(
                "deleteGlobalParameter", "n1", 0, null, List.of(AppliedState.QUORUM_SHARDS), null)));
        assertTrue(refused.getMessage().contains("cannot be deleted"), refused.getMessage());
        assertEquals(first, state.quorumShards());
        assertEquals(List.of(first), told);
    }

    @Test
    void aMembershipChangeIsTheNextRevisionAndOneMadeFromAStaleRevisionIsRefused() {
        AppliedState state = new AppliedState();
        List<String> told = new ArrayList<>();
        state.onQuorumShards(told::add);
        ShardCatalog formed = ShardCatalog.plan(nodes(4));
        state.applied(state.check(put(formed.toJson())));

        ShardCatalog grown = formed.withMembers(0, List.of("n0", "n1", "n2", "n3"), null, null);
        ShardCatalog shrunk = formed.withMembers(0, List.of("n1", "n2"), null, null); // made from revision 0 too
        assertEquals(1, grown.revision());
        assertEquals(4, grown.shard(0).replicas());
        assertEquals("n1", shrunk.shard(0).preferredLeader(), "the preferred leader left: the first member leads");

        DefinitionChange taken = state.check(update(grown.toJson()));
        assertEquals(AppliedState.QUORUM_SHARDS, taken.row(GlobalParameterRow.class).name(),
                "taken as the catalogue itself");
        state.applied(taken);
        assertEquals(grown, ShardCatalog.fromJson(state.quorumShards()));

        var stale = assertThrows(AppliedState.Refused.class, () -> state.check(update(shrunk.toJson())));
        assertTrue(stale.getMessage().contains("replaces revision 0 but revision 1 is in force"), stale.getMessage());
        // a formation plan or an import arriving now changes nothing, as before
        DefinitionChange plan = state.check(put(formed.toJson()));
        state.applied(plan);
        assertEquals(grown.toJson(), state.quorumShards());

        ShardCatalog fewer = new ShardCatalog(1, grown.shards().subList(0, 3), grown.addresses(), 2);
        var ids = assertThrows(AppliedState.Refused.class, () -> state.check(update(fewer.toJson())));
        assertTrue(ids.getMessage().contains("cannot add or remove shards"), ids.getMessage());
        assertEquals(List.of(formed.toJson(), grown.toJson()), told);
        assertThrows(IllegalArgumentException.class, () -> grown.withMembers(1, List.of(), null, null));
    }

    private static DefinitionChange update(String json) {
        return new DefinitionChange("putGlobalParameter", "n1", 0,
                DefinitionChange.json(new GlobalParameterRow(AppliedState.QUORUM_SHARDS_UPDATE, json)), null, null);
    }

    private static DefinitionChange put(String json) {
        return new DefinitionChange("putGlobalParameter", "n0", 0,
                DefinitionChange.json(new GlobalParameterRow(AppliedState.QUORUM_SHARDS, json)), null, null);
    }
}
