package io.warren.store.definitions;

/**
 * The changes a broker makes to its stored definitions, one call per change. {@link DefinitionStore} writes them
 * to the node's own database; a cluster puts them in its replicated log first. Puts are upserts and deletes of
 * what is absent do nothing, so a change applied twice leaves the same state.
 */
public interface DefinitionWriter {
    void putVhost(VhostRow v);

    /** Deletes the vhost and everything in it. */
    void deleteVhost(String name);

    void putUser(UserRow u);

    /** Deletes the user, its permissions, topic permissions and limits. */
    void deleteUser(String name);

    void putPermission(PermissionRow p);

    void deletePermission(String user, String vhost);

    void putExchange(ExchangeRow x);

    /** Deletes the exchange and every binding from or to it. */
    void deleteExchange(String vhost, String name);

    void putQueue(QueueRow q);

    /** Deletes the queue and every binding to it. */
    void deleteQueue(String vhost, String name);

    void putBinding(BindingRow b);

    void deleteBinding(BindingRow b);

    void putPolicy(PolicyRow p);

    void deletePolicy(String vhost, String name);

    void putVhostMetadata(VhostMetadataRow m);

    void putTopicPermission(TopicPermissionRow p);

    /** On one exchange, or on every exchange of the vhost when exchange is null. */
    void deleteTopicPermission(String user, String vhost, String exchange);

    /** An empty JSON object ("{}") deletes the limits. */
    void putUserLimits(UserLimitsRow l);

    void putParameter(ParameterRow p);

    void deleteParameter(String vhost, String component, String name);

    void putGlobalParameter(GlobalParameterRow p);

    void deleteGlobalParameter(String name);
}
