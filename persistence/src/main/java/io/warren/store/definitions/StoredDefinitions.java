package io.warren.store.definitions;

import java.util.List;

/** Everything in the store at one moment, in the order a restore applies it. */
public record StoredDefinitions(List<VhostRow> vhosts, List<UserRow> users, List<PermissionRow> permissions,
                                List<ExchangeRow> exchanges, List<QueueRow> queues, List<BindingRow> bindings,
                                List<PolicyRow> policies, List<VhostMetadataRow> vhostMetadata,
                                List<TopicPermissionRow> topicPermissions, List<UserLimitsRow> userLimits,
                                List<ParameterRow> parameters, List<GlobalParameterRow> globalParameters) {
    /** Definitions without the settings that schema version 2 added. */
    public StoredDefinitions(List<VhostRow> vhosts, List<UserRow> users, List<PermissionRow> permissions,
                             List<ExchangeRow> exchanges, List<QueueRow> queues, List<BindingRow> bindings,
                             List<PolicyRow> policies) {
        this(vhosts, users, permissions, exchanges, queues, bindings, policies, List.of(), List.of(), List.of(),
                List.of(), List.of());
    }

    /** Nothing stored. */
    public static StoredDefinitions empty() {
        return new StoredDefinitions(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
    }
}
