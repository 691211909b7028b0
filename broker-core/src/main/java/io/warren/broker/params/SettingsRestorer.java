package io.warren.broker.params;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warren.broker.auth.TopicPermission;
import io.warren.broker.auth.UserRegistry;
import io.warren.broker.limits.Limits;
import io.warren.store.definitions.DefinitionStoreException;
import io.warren.store.definitions.GlobalParameterRow;
import io.warren.store.definitions.ParameterRow;
import io.warren.store.definitions.StoredDefinitions;
import io.warren.store.definitions.TopicPermissionRow;
import io.warren.store.definitions.UserLimitsRow;
import io.warren.store.definitions.VhostMetadataRow;

/**
 * Recreates the stored settings that sit beside the topology (vhost metadata, topic permissions, user limits,
 * runtime and global parameters) once the topology is back: vhost limits come last, so a queue limit below the
 * number of stored queues does not stop them from being restored.
 */
public final class SettingsRestorer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final UserRegistry users;
    private final RuntimeParameters parameters;

    public SettingsRestorer(UserRegistry users, RuntimeParameters parameters) {
        this.users = users;
        this.parameters = parameters;
    }

    public void restore(StoredDefinitions stored) {
        for (VhostMetadataRow m : stored.vhostMetadata()) {
            parameters.setMetadata(m.vhost(), new VhostMetadata(m.description(), m.tags(), m.defaultQueueType()));
        }
        for (TopicPermissionRow p : stored.topicPermissions()) {
            users.setTopicPermission(p.user(), p.vhost(),
                    new TopicPermission(p.user(), p.vhost(), p.exchange(), p.write(), p.read()));
        }
        for (UserLimitsRow l : stored.userLimits()) {
            users.setLimits(l.user(), Limits.fromJson(json(l.limitsJson(), "limits of user " + l.user()), Limits.USER,
                    "user '" + l.user() + "'"));
        }
        for (GlobalParameterRow g : stored.globalParameters()) {
            parameters.setGlobalParameter(g.name(), json(g.valueJson(), "global parameter " + g.name()));
        }
        for (ParameterRow p : stored.parameters()) {
            parameters.setParameter(new Parameter(p.vhost(), p.component(), p.name(),
                    json(p.valueJson(), "parameter " + p.component() + "/" + p.name())));
        }
    }

    private static JsonNode json(String text, String what) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new DefinitionStoreException("cannot restore " + what + ": " + e.getOriginalMessage());
        }
    }
}
