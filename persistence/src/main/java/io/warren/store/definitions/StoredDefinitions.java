package io.warren.store.definitions;

import java.util.List;

/** Everything in the store at one moment, in the order a restore applies it. */
public record StoredDefinitions(List<VhostRow> vhosts, List<UserRow> users, List<PermissionRow> permissions,
                                List<ExchangeRow> exchanges, List<QueueRow> queues, List<BindingRow> bindings,
                                List<PolicyRow> policies) {
}
