package io.warren.cluster.log;

import io.warren.store.definitions.BindingRow;
import io.warren.store.definitions.DefinitionWriter;
import io.warren.store.definitions.ExchangeRow;
import io.warren.store.definitions.GlobalParameterRow;
import io.warren.store.definitions.ParameterRow;
import io.warren.store.definitions.PermissionRow;
import io.warren.store.definitions.PolicyRow;
import io.warren.store.definitions.QueueRow;
import io.warren.store.definitions.TopicPermissionRow;
import io.warren.store.definitions.UserLimitsRow;
import io.warren.store.definitions.UserRow;
import io.warren.store.definitions.VhostMetadataRow;
import io.warren.store.definitions.VhostRow;

/** Calls the {@link DefinitionWriter} method a {@link DefinitionChange} stands for: the inverse of the recorder. */
public final class ChangeReplay {
    private ChangeReplay() {
    }

    private static final java.util.Set<String> OPS = java.util.Set.of("putVhost", "deleteVhost", "putUser",
            "deleteUser", "putPermission", "deletePermission", "putExchange", "deleteExchange", "putQueue",
            "deleteQueue", "putBinding", "deleteBinding", "putPolicy", "deletePolicy", "putVhostMetadata",
            "putTopicPermission", "deleteTopicPermission", "putUserLimits", "putParameter", "deleteParameter",
            "putGlobalParameter", "deleteGlobalParameter");

    /** Throws IllegalArgumentException when the change is not one this code can apply. */
    public static void requireKnown(DefinitionChange c) {
        if (!OPS.contains(c.op())) {
            throw new IllegalArgumentException("unknown definition change '" + c.op() + "'");
        }
    }

    public static void apply(DefinitionChange c, DefinitionWriter w) {
        switch (c.op()) {
            case "putVhost" -> w.putVhost(c.row(VhostRow.class));
            case "deleteVhost" -> w.deleteVhost(c.key(0));
            case "putUser" -> w.putUser(c.row(UserRow.class));
            case "deleteUser" -> w.deleteUser(c.key(0));
            case "putPermission" -> w.putPermission(c.row(PermissionRow.class));
            case "deletePermission" -> w.deletePermission(c.key(0), c.key(1));
            case "putExchange" -> w.putExchange(c.row(ExchangeRow.class));
            case "deleteExchange" -> w.deleteExchange(c.key(0), c.key(1));
            case "putQueue" -> w.putQueue(c.row(QueueRow.class));
            case "deleteQueue" -> w.deleteQueue(c.key(0), c.key(1));
            case "putBinding" -> w.putBinding(c.row(BindingRow.class));
            case "deleteBinding" -> w.deleteBinding(c.row(BindingRow.class));
            case "putPolicy" -> w.putPolicy(c.row(PolicyRow.class));
            case "deletePolicy" -> w.deletePolicy(c.key(0), c.key(1));
            case "putVhostMetadata" -> w.putVhostMetadata(c.row(VhostMetadataRow.class));
            case "putTopicPermission" -> w.putTopicPermission(c.row(TopicPermissionRow.class));
            case "deleteTopicPermission" -> w.deleteTopicPermission(c.key(0), c.key(1), c.key(2));
            case "putUserLimits" -> w.putUserLimits(c.row(UserLimitsRow.class));
            case "putParameter" -> w.putParameter(c.row(ParameterRow.class));
            case "deleteParameter" -> w.deleteParameter(c.key(0), c.key(1), c.key(2));
            case "putGlobalParameter" -> w.putGlobalParameter(c.row(GlobalParameterRow.class));
            case "deleteGlobalParameter" -> w.deleteGlobalParameter(c.key(0));
            default -> throw new IllegalArgumentException("unknown definition change '" + c.op() + "'");
        }
    }
}
