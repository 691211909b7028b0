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
import java.util.Arrays;
import java.util.function.Consumer;

/** A {@link DefinitionWriter} that turns every call into a {@link DefinitionChange} and hands it on. */
public abstract class ChangeRecorder implements DefinitionWriter {
    /** Sends the change to the cluster; returns once it is committed, or throws. */
    protected abstract void submit(String op, Object row, String... keys);

    /** A recorder that hands each change, numbered 0 from origin, to the consumer (tests, snapshots). */
    public static ChangeRecorder to(String origin, Consumer<DefinitionChange> out) {
        return new ChangeRecorder() {
            @Override
            protected void submit(String op, Object row, String... keys) {
                out.accept(change(op, origin, 0, row, keys));
            }
        };
    }

    /** The change for an operation. */
    public static DefinitionChange change(String op, String origin, long request, Object row, String... keys) {
        return new DefinitionChange(op, origin, request, row == null ? null : DefinitionChange.JSON.valueToTree(row),
                keys.length == 0 ? null : Arrays.asList(keys), null);
    }

    @Override
    public void putVhost(VhostRow v) {
        submit("putVhost", v);
    }

    @Override
    public void deleteVhost(String name) {
        submit("deleteVhost", null, name);
    }

    @Override
    public void putUser(UserRow u) {
        submit("putUser", u);
    }

    @Override
    public void deleteUser(String name) {
        submit("deleteUser", null, name);
    }

    @Override
    public void putPermission(PermissionRow p) {
        submit("putPermission", p);
    }

    @Override
    public void deletePermission(String user, String vhost) {
        submit("deletePermission", null, user, vhost);
    }

    @Override
    public void putExchange(ExchangeRow x) {
        submit("putExchange", x);
    }

    @Override
    public void deleteExchange(String vhost, String name) {
        submit("deleteExchange", null, vhost, name);
    }

    @Override
    public void putQueue(QueueRow q) {
        submit("putQueue", q);
    }

    @Override
    public void deleteQueue(String vhost, String name) {
        submit("deleteQueue", null, vhost, name);
    }

    @Override
    public void putBinding(BindingRow b) {
        submit("putBinding", b);
    }

    @Override
    public void deleteBinding(BindingRow b) {
        submit("deleteBinding", b);
    }

    @Override
    public void putPolicy(PolicyRow p) {
        submit("putPolicy", p);
    }

    @Override
    public void deletePolicy(String vhost, String name) {
        submit("deletePolicy", null, vhost, name);
    }

    @Override
    public void putVhostMetadata(VhostMetadataRow m) {
        submit("putVhostMetadata", m);
    }

    @Override
    public void putTopicPermission(TopicPermissionRow p) {
        submit("putTopicPermission", p);
    }

    @Override
    public void deleteTopicPermission(String user, String vhost, String exchange) {
        submit("deleteTopicPermission", null, user, vhost, exchange);
    }

    @Override
    public void putUserLimits(UserLimitsRow l) {
        submit("putUserLimits", l);
    }

    @Override
    public void putParameter(ParameterRow p) {
        submit("putParameter", p);
    }

    @Override
    public void deleteParameter(String vhost, String component, String name) {
        submit("deleteParameter", null, vhost, component, name);
    }

    @Override
    public void putGlobalParameter(GlobalParameterRow p) {
        submit("putGlobalParameter", p);
    }

    @Override
    public void deleteGlobalParameter(String name) {
        submit("deleteGlobalParameter", null, name);
    }
}
