package io.warren.cluster.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warren.codec.ReplyCodes;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads what the definitions log needs of a quorum shard catalogue's JSON (its revision and shard ids) to accept a
 * membership change only on top of the revision it was made from. Reads the JSON tree, not the catalogue type, so
 * the state package does not depend on the shard package.
 */
final class CatalogRevision {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CatalogRevision() {
    }

    /** The catalogue's revision (0 as formed, or when unreadable). */
    static long of(String json) {
        try {
            return JSON.readTree(json).path("revision").asLong(0);
        } catch (JsonProcessingException e) {
            return 0;
        }
    }

    /**
     * Refuses (406, alike on every node) a membership change that is not the revision after the catalogue in force,
     * or that adds or drops shards.
     */
    static void checkUpdate(String current, String update) {
        if (current == null) {
            throw AppliedState.refused(ReplyCodes.PRECONDITION_FAILED, "this cluster has no quorum shard catalogue "
                    + "yet: there is no shard membership to change");
        }
        JsonNode now;
        JsonNode next;
        try {
            now = JSON.readTree(current);
            next = JSON.readTree(update);
        } catch (JsonProcessingException e) {
            throw AppliedState.refused(ReplyCodes.PRECONDITION_FAILED, "the quorum shard membership change is not "
                    + "readable: %s", e.getOriginalMessage());
        }
        long at = now.path("revision").asLong(0);
        long made = next.path("revision").asLong(0);
        if (made != at + 1) {
            throw AppliedState.refused(ReplyCodes.PRECONDITION_FAILED, "the quorum shard catalogue changed "
                    + "meanwhile (another membership change?): this change replaces revision %d but revision %d is "
                    + "in force; nothing was changed, try again", made - 1, at);
        }
        if (!ids(now).equals(ids(next))) {
            throw AppliedState.refused(ReplyCodes.PRECONDITION_FAILED, "a quorum shard membership change cannot add "
                    + "or remove shards (shards %s, the change names %s)", ids(now), ids(next));
        }
    }

    private static Set<Integer> ids(JsonNode catalog) {
        Set<Integer> out = new TreeSet<>();
        catalog.path("shards").forEach(s -> out.add(s.path("id").asInt()));
        return out;
    }
}
