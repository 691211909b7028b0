package io.warren.cluster.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One entry of the cluster's definitions log: a change to the stored definitions (an operation of {@link
 * io.warren.store.definitions.DefinitionWriter}, its row or its keys), the node it came from and that node's
 * request number, so the origin can tell its own changes from others'.
 *
 * @param op      the writer's method, e.g. putQueue, or {@link #BOOTSTRAP}
 * @param origin  the node that made the change
 * @param request the origin's number for it (0: nobody waits for it)
 * @param row     the row of a put, as JSON (null for a delete)
 * @param keys    the arguments of a delete, e.g. vhost and name
 * @param rows    the rows of a bootstrap: vhost, user, permission, global parameter (the cluster's id)
 */
public record DefinitionChange(String op, String origin, long request, JsonNode row, List<String> keys,
                               List<JsonNode> rows) {
    /** The cluster's first-boot defaults (vhost, user, permission, cluster id), applied once for all nodes. */
    public static final String BOOTSTRAP = "bootstrap";

    static final ObjectMapper JSON = new ObjectMapper();

    /** A row as the JSON a change carries. */
    public static JsonNode json(Object row) {
        return JSON.valueToTree(row);
    }

    public byte[] toBytes() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a definition change", e);
        }
    }

    public static DefinitionChange fromBytes(byte[] bytes) {
        try {
            return JSON.readValue(bytes, DefinitionChange.class);
        } catch (IOException e) {
            throw new UncheckedIOException("not a definition change: "
                    + new String(bytes, StandardCharsets.UTF_8), e);
        }
    }

    /** The row as the given record type. */
    public <T> T row(Class<T> type) {
        try {
            return JSON.treeToValue(row, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad row in a definition change " + op + ": " + e.getOriginalMessage());
        }
    }

    /** The i-th key, or null when absent. */
    public String key(int i) {
        return keys == null || keys.size() <= i ? null : keys.get(i);
    }

    /** The same change with the row replaced. */
    public DefinitionChange withRow(Object newRow) {
        return new DefinitionChange(op, origin, request, JSON.valueToTree(newRow), keys, rows);
    }
}
