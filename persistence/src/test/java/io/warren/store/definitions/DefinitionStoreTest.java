package io.warren.store.definitions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.store.definitions.BindingRow.DestinationType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The definitions store on a real H2 file: what is put is there after a reopen, what is deleted is not. */
class DefinitionStoreTest {
    @TempDir
    Path dir;

    private static final String ARGS = "{\"x-message-ttl\":[\"I\",60000]}";

    @Test
    void aNewStoreIsEmptyAndCreatesItsFile() {
        try (DefinitionStore store = DefinitionStore.open(dir.resolve("sub"))) {
            StoredDefinitions all = store.loadAll();
            assertEquals(List.of(), all.vhosts());
            assertEquals(List.of(), all.users());
            assertEquals(List.of(), all.bindings());
        }
        assertTrue(Files.exists(dir.resolve("sub").resolve(DefinitionStore.NAME + ".mv.db")));
    }

    @Test
    void everyKindSurvivesAReopen() {
        try (DefinitionStore store = DefinitionStore.open(dir)) {
            store.putVhost(new VhostRow("/"));
            store.putVhost(new VhostRow("shop"));
            store.putUser(new UserRow("app", "c2FsdGhhc2g=", "rabbit_password_hashing_sha256",
                    List.of("administrator", "monitoring")));
            store.putUser(new UserRow("plain", "aGFzaA==", "rabbit_password_hashing_md5", List.of()));
            store.putPermission(new PermissionRow("app", "shop", ".*", "", "^orders"));
            store.putExchange(new ExchangeRow("shop", "orders", "topic", true, false, "{}"));
            store.putQueue(new QueueRow("shop", "orders.eu", false, ARGS));
            store.putBinding(new BindingRow("shop", "orders", "orders.eu", DestinationType.QUEUE, "eu.#", "{}"));
            store.putPolicy(new PolicyRow("shop", "ttl", "^orders\\.", "queues", 5, "{\"message-ttl\":1000}"));
        }
        try (DefinitionStore store = DefinitionStore.open(dir)) {
            StoredDefinitions all = store.loadAll();
            assertEquals(List.of(new VhostRow("/"), new VhostRow("shop")), all.vhosts());
            assertEquals(List.of(new UserRow("app", "c2FsdGhhc2g=", "rabbit_password_hashing_sha256",
                            List.of("administrator", "monitoring")),
                    new UserRow("plain", "aGFzaA==", "rabbit_password_hashing_md5", List.of())), all.users());
            assertEquals(List.of(new PermissionRow("app", "shop", ".*", "", "^orders")), all.permissions());
            assertEquals(List.of(new ExchangeRow("shop", "orders", "topic", true, false, "{}")), all.exchanges());
            assertEquals(List.of(new QueueRow("shop", "orders.eu", false, ARGS)), all.queues());
            assertEquals(List.of(new BindingRow("shop", "orders", "orders.eu", DestinationType.QUEUE, "eu.#", "{}")),
                    all.bindings());
            assertEquals(List.of(new PolicyRow("shop", "ttl", "^orders\\.", "queues", 5, "{\"message-ttl\":1000}")),
                    all.policies());
        }
    }

    @Test
    void aPutOfWhatExistsReplacesIt() {
        try (DefinitionStore store = DefinitionStore.open(dir)) {
            store.putVhost(new VhostRow("/"));
            store.putVhost(new VhostRow("/"));
            store.putUser(new UserRow("app", "b2xk", "rabbit_password_hashing_sha256", List.of()));
            store.putUser(new UserRow("app", "bmV3", "rabbit_password_hashing_sha512", List.of("management")));
            store.putPermission(new PermissionRow("app", "/", ".*", ".*", ".*"));
            store.putPermission(new PermissionRow("app", "/", "", "", ""));
            store.putQueue(new QueueRow("/", "q", false, "{}"));
            store.putQueue(new QueueRow("/", "q", true, ARGS));
            StoredDefinitions all = store.loadAll();
            assertEquals(List.of(new VhostRow("/")), all.vhosts());
            assertEquals(List.of(new UserRow("app", "bmV3", "rabbit_password_hashing_sha512", List.of("management"))),
                    all.users());
            assertEquals(List.of(new PermissionRow("app", "/", "", "", "")), all.permissions());
            assertEquals(List.of(new QueueRow("/", "q", true, ARGS)), all.queues());
        }
    }

    @Test
    void bindingsThatDifferOnlyInArgumentsAreTwoAndAreDeletedOneByOne() {
        BindingRow plain = new BindingRow("/", "x", "q", DestinationType.QUEUE, "k", "{}");
        BindingRow withArgs = new BindingRow("/", "x", "q", DestinationType.QUEUE, "k", ARGS);
        try (DefinitionStore store = DefinitionStore.open(dir)) {
            store.putBinding(plain);
            store.putBinding(withArgs);
            store.putBinding(withArgs);
            assertEquals(2, store.loadAll().bindings().size());
            store.deleteBinding(plain);
            assertEquals(List.of(withArgs), store.loadAll().bindings());
        }
    }

    @Test
    void deletingAnExchangeDeletesItsBindingsBothWays() {
        try (DefinitionStore store = DefinitionStore.open(dir)) {
            store.putExchange(new ExchangeRow("/", "a", "fanout", false, false, "{}"));
            store.putExchange(new ExchangeRow("/", "b", "fanout", false, false, "{}"));
            store.putQueue(new QueueRow("/", "a", false, "{}"));
            store.putBinding(new BindingRow("/", "a", "b", DestinationType.EXCHANGE, "", "{}"));
            store.putBinding(new BindingRow("/", "b", "a", DestinationType.EXCHANGE, "", "{}"));
            store.putBinding(new BindingRow("/", "a", "a", DestinationType.QUEUE, "", "{}"));
            BindingRow unrelated = new BindingRow("/", "b", "a", DestinationType.QUEUE, "", "{}");
            store.putBinding(unrelated);
            store.deleteExchange("/", "a");
            StoredDefinitions all = store.loadAll();
            assertEquals(List.of(new ExchangeRow("/", "b", "fanout", false, false, "{}")), all.exchanges());
            assertEquals(List.of(unrelated), all.bindings(), "the queue named like the exchange keeps its binding");
        }
    }

    @Test
    void deletingAQueueDeletesTheBindingsToIt() {
        try (DefinitionStore store = DefinitionStore.open(dir)) {
            store.putQueue(new QueueRow("/", "q", false, "{}"));
            store.putBinding(new BindingRow("/", "x", "q", DestinationType.QUEUE, "1", "{}"));
            store.putBinding(new BindingRow("/", "x", "q", DestinationType.QUEUE, "2", "{}"));
            BindingRow sameNameOtherVhost = new BindingRow("other", "x", "q", DestinationType.QUEUE, "1", "{}");
            store.putBinding(sameNameOtherVhost);
            store.deleteQueue("/", "q");
            StoredDefinitions all = store.loadAll();
            assertEquals(List.of(), all.queues());
            assertEquals(List.of(sameNameOtherVhost), all.bindings());
        }
    }

    @Test
    void deletingAVhostDeletesEverythingInItAndAUserItsPermissions() {
        try (DefinitionStore store = DefinitionStore.open(dir)) {
            store.putVhost(new VhostRow("gone"));
            store.putVhost(new VhostRow("kept"));
            store.putUser(new UserRow("u", "aA==", "rabbit_password_hashing_sha256", List.of()));
            store.putUser(new UserRow("v", "aA==", "rabbit_password_hashing_sha256", List.of()));
            store.putPermission(new PermissionRow("u", "gone", ".*", ".*", ".*"));
            store.putPermission(new PermissionRow("u", "kept", ".*", ".*", ".*"));
            store.putPermission(new PermissionRow("v", "kept", ".*", ".*", ".*"));
            store.putExchange(new ExchangeRow("gone", "x", "direct", false, false, "{}"));
            store.putQueue(new QueueRow("gone", "q", false, "{}"));
            store.putBinding(new BindingRow("gone", "x", "q", DestinationType.QUEUE, "", "{}"));
            store.putPolicy(new PolicyRow("gone", "p", ".*", "all", 0, "{}"));
            store.deleteVhost("gone");
            store.deleteUser("v");
            StoredDefinitions all = store.loadAll();
            assertEquals(List.of(new VhostRow("kept")), all.vhosts());
            assertEquals(List.of("u"), all.users().stream().map(UserRow::name).toList());
            assertEquals(List.of(new PermissionRow("u", "kept", ".*", ".*", ".*")), all.permissions());
            assertEquals(List.of(), all.exchanges());
            assertEquals(List.of(), all.queues());
            assertEquals(List.of(), all.bindings());
            assertEquals(List.of(), all.policies());
        }
    }

    @Test
    void deletesOfWhatIsAbsentDoNothingAndPoliciesCanBeDeleted() {
        try (DefinitionStore store = DefinitionStore.open(dir)) {
            store.deleteQueue("/", "none");
            store.deleteExchange("/", "none");
            store.deletePermission("nobody", "/");
            store.putPolicy(new PolicyRow("/", "p", ".*", "all", 1, "{}"));
            store.deletePolicy("/", "p");
            assertEquals(List.of(), store.loadAll().policies());
        }
    }

    @Test
    void aDatabaseFromANewerBrokerIsRefused() throws Exception {
        DefinitionStore.open(dir).close();
        String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve(DefinitionStore.NAME);
        try (Connection c = DriverManager.getConnection(url, "warren", ""); Statement s = c.createStatement()) {
            s.execute("UPDATE schema_version SET version = 99");
        }
        DefinitionStoreException e = assertThrows(DefinitionStoreException.class, () -> DefinitionStore.open(dir));
        assertTrue(e.getMessage().contains("schema version 99"), e.getMessage());
    }

    @Test
    void limitsTopicPermissionsParametersAndVhostMetadataSurviveAReopenAndGoWithTheirOwner() {
        try (DefinitionStore store = DefinitionStore.open(dir)) {
            store.putVhost(new VhostRow("shop"));
            store.putUser(new UserRow("app", "aGFzaA==", "rabbit_password_hashing_sha256", List.of()));
            store.putVhostMetadata(new VhostMetadataRow("shop", "the shop", List.of("eu", "prod"), "classic"));
            store.putTopicPermission(new TopicPermissionRow("app", "shop", "amq.topic", "^{username}\\.", ""));
            store.putUserLimits(new UserLimitsRow("app", "{\"max-channels\":5}"));
            store.putParameter(new ParameterRow("shop", "vhost-limits", "limits", "{\"max-queues\":3}"));
            store.putGlobalParameter(new GlobalParameterRow("cluster_name", "\"eu\""));
        }
        try (DefinitionStore store = DefinitionStore.open(dir)) {
            StoredDefinitions all = store.loadAll();
            assertEquals(List.of(new VhostMetadataRow("shop", "the shop", List.of("eu", "prod"), "classic")),
                    all.vhostMetadata());
            assertEquals(List.of(new TopicPermissionRow("app", "shop", "amq.topic", "^{username}\\.", "")),
                    all.topicPermissions());
            assertEquals(List.of(new UserLimitsRow("app", "{\"max-channels\":5}")), all.userLimits());
            assertEquals(List.of(new ParameterRow("shop", "vhost-limits", "limits", "{\"max-queues\":3}")),
                    all.parameters());
            assertEquals(List.of(new GlobalParameterRow("cluster_name", "\"eu\"")), all.globalParameters());
            store.deleteUser("app");
            store.deleteVhost("shop");
            store.deleteGlobalParameter("cluster_name");
            all = store.loadAll();
            assertEquals(List.of(), all.topicPermissions());
            assertEquals(List.of(), all.userLimits());
            assertEquals(List.of(), all.parameters());
            assertEquals(List.of(), all.vhostMetadata());
            assertEquals(List.of(), all.globalParameters());
        }
    }
}
