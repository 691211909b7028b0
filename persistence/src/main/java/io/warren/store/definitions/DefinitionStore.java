package io.warren.store.definitions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Definitions (vhosts, users, permissions, exchanges, queues, bindings, policies) in an embedded H2 database.
 *
 * <p>Every put or delete is its own transaction, committed and fsynced before the method returns, so what a
 * caller was told is stored survives a crash of the process or the machine. Puts are idempotent upserts; deletes
 * of what is absent do nothing. Deleting a vhost, user, exchange or queue also deletes what hangs off it. Methods
 * are synchronized: writes are rare (definition changes, never messages) and one connection serves them all.
 */
public final class DefinitionStore implements DefinitionWriter, AutoCloseable {
    /** The database file's name under the directory, without H2's ".mv.db". */
    public static final String NAME = "definitions";

    private final Connection connection;

    private DefinitionStore(Connection connection) {
        this.connection = connection;
    }

    /** Opens (creating if needed) the database in the directory; only one process may have it open at a time. */
    public static DefinitionStore open(Path dir) {
        Path abs = dir.toAbsolutePath();
        if (abs.toString().contains(";")) {
            throw new DefinitionStoreException("the definitions directory cannot contain ';' (H2 URL): " + abs);
        }
        try {
            Files.createDirectories(abs);
        } catch (IOException e) {
            throw new DefinitionStoreException("cannot create the definitions directory " + abs, e);
        }
        // WRITE_DELAY=0: a commit is written to the file at once, not up to half a second later by H2's
        // background writer, so a process kill loses nothing committed. DB_CLOSE_ON_EXIT=FALSE: the broker closes
        // the store itself, after its own shutdown hook has stopped writing. FILE_LOCK=FS: an OS lock, freed when
        // the process dies, so a restart after kill -9 does not wait for a stale lock file.
        String url = "jdbc:h2:file:" + abs.resolve(NAME) + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;FILE_LOCK=FS";
        try {
            Connection c = DriverManager.getConnection(url, "warren", "");
            try {
                c.setAutoCommit(false);
                Schema.migrate(c);
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
            return new DefinitionStore(c);
        } catch (SQLException e) {
            throw new DefinitionStoreException("cannot open the definitions database in " + abs + ": "
                    + e.getMessage(), e);
        }
    }

    /** Everything stored, read in one transaction. */
    public synchronized StoredDefinitions loadAll() {
        try {
            StoredDefinitions all = new SnapshotReader(connection).read();
            connection.commit();
            return all;
        } catch (SQLException e) {
            throw new DefinitionStoreException("cannot read the definitions database: " + e.getMessage(), e);
        }
    }

    /**
     * Replaces everything stored with the given definitions in one transaction: a cluster node that installs a
     * snapshot of the cluster's definitions.
     */
    public synchronized void replaceAll(StoredDefinitions all) {
        write("snapshot of the definitions", () -> {
            for (String table : new String[] {"vhosts", "users", "permissions", "exchanges", "queues", "bindings",
                    "policies", "vhost_metadata", "topic_permissions", "user_limits", "parameters",
                    "global_parameters"}) {
                update("DELETE FROM " + table);
            }
            for (VhostRow v : all.vhosts()) {
                update("INSERT INTO vhosts (name) VALUES (?)", v.name());
            }
            for (UserRow u : all.users()) {
                update("INSERT INTO users (name, password_hash, hashing_algorithm, tags) VALUES (?, ?, ?, ?)",
                        u.name(), u.passwordHash(), u.hashingAlgorithm(), String.join(",", u.tags()));
            }
            for (PermissionRow p : all.permissions()) {
                update("INSERT INTO permissions (user_name, vhost, configure_pattern, write_pattern, read_pattern) "
                        + "VALUES (?, ?, ?, ?, ?)", p.user(), p.vhost(), p.configure(), p.write(), p.read());
            }
            for (ExchangeRow x : all.exchanges()) {
                update("INSERT INTO exchanges (vhost, name, type, auto_delete, internal, arguments) "
                        + "VALUES (?, ?, ?, ?, ?, ?)", x.vhost(), x.name(), x.type(), x.autoDelete(), x.internal(),
                        x.argumentsJson());
            }
            for (QueueRow q : all.queues()) {
                update("INSERT INTO queues (vhost, name, auto_delete, arguments, home_node) VALUES (?, ?, ?, ?, ?)",
                        q.vhost(), q.name(), q.autoDelete(), q.argumentsJson(), q.node());
            }
            for (BindingRow b : all.bindings()) {
                update("INSERT INTO bindings (vhost, source, destination, destination_type, routing_key, arguments) "
                        + "VALUES (?, ?, ?, ?, ?, ?)", b.vhost(), b.source(), b.destination(),
                        b.destinationType().name(), b.routingKey(), b.argumentsJson());
            }
            for (PolicyRow p : all.policies()) {
                update("INSERT INTO policies (vhost, name, pattern, apply_to, priority, definition) "
                        + "VALUES (?, ?, ?, ?, ?, ?)", p.vhost(), p.name(), p.pattern(), p.applyTo(), p.priority(),
                        p.definitionJson());
            }
            for (VhostMetadataRow m : all.vhostMetadata()) {
                update("INSERT INTO vhost_metadata (vhost, description, tags, default_queue_type) VALUES (?, ?, ?, ?)",
                        m.vhost(), m.description(), String.join(",", m.tags()), m.defaultQueueType());
            }
            for (TopicPermissionRow p : all.topicPermissions()) {
                update("INSERT INTO topic_permissions (user_name, vhost, exchange, write_pattern, read_pattern) "
                        + "VALUES (?, ?, ?, ?, ?)", p.user(), p.vhost(), p.exchange(), p.write(), p.read());
            }
            for (UserLimitsRow l : all.userLimits()) {
                update("INSERT INTO user_limits (user_name, limits) VALUES (?, ?)", l.user(), l.limitsJson());
            }
            for (ParameterRow p : all.parameters()) {
                update("INSERT INTO parameters (vhost, component, name, parameter_value) VALUES (?, ?, ?, ?)",
                        p.vhost(), p.component(), p.name(), p.valueJson());
            }
            for (GlobalParameterRow g : all.globalParameters()) {
                update("INSERT INTO global_parameters (name, parameter_value) VALUES (?, ?)", g.name(),
                        g.valueJson());
            }
        });
    }

    // ---- vhosts ----

    @Override
    public synchronized void putVhost(VhostRow v) {
        write("vhost " + v.name(), () -> update("MERGE INTO vhosts (name) KEY (name) VALUES (?)", v.name()));
    }

    /** Deletes the vhost and everything in it: permissions, exchanges, queues, bindings, policies. */
    @Override
    public synchronized void deleteVhost(String name) {
        write("deletion of vhost " + name, () -> {
            for (String table : new String[] {"permissions", "exchanges", "queues", "bindings", "policies",
                    "topic_permissions", "parameters"}) {
                update("DELETE FROM " + table + " WHERE vhost = ?", name);
            }
            update("DELETE FROM vhost_metadata WHERE vhost = ?", name);
            update("DELETE FROM vhosts WHERE name = ?", name);
        });
    }

    // ---- users and permissions ----

    @Override
    public synchronized void putUser(UserRow u) {
        write("user " + u.name(), () -> update("MERGE INTO users (name, password_hash, hashing_algorithm, tags) "
                + "KEY (name) VALUES (?, ?, ?, ?)", u.name(), u.passwordHash(), u.hashingAlgorithm(),
                String.join(",", u.tags())));
    }

    /** Deletes the user, its permissions, topic permissions and limits. */
    @Override
    public synchronized void deleteUser(String name) {
        write("deletion of user " + name, () -> {
            update("DELETE FROM permissions WHERE user_name = ?", name);
            update("DELETE FROM topic_permissions WHERE user_name = ?", name);
            update("DELETE FROM user_limits WHERE user_name = ?", name);
            update("DELETE FROM users WHERE name = ?", name);
        });
    }

    @Override
    public synchronized void putPermission(PermissionRow p) {
        write("permission of " + p.user() + " in " + p.vhost(), () -> update("MERGE INTO permissions (user_name, "
                + "vhost, configure_pattern, write_pattern, read_pattern) KEY (user_name, vhost) "
                + "VALUES (?, ?, ?, ?, ?)", p.user(), p.vhost(), p.configure(), p.write(), p.read()));
    }

    @Override
    public synchronized void deletePermission(String user, String vhost) {
        write("deletion of permission of " + user + " in " + vhost,
                () -> update("DELETE FROM permissions WHERE user_name = ? AND vhost = ?", user, vhost));
    }

    // ---- exchanges, queues, bindings ----

    @Override
    public synchronized void putExchange(ExchangeRow x) {
        write("exchange " + x.name(), () -> update("MERGE INTO exchanges (vhost, name, type, auto_delete, internal, "
                + "arguments) KEY (vhost, name) VALUES (?, ?, ?, ?, ?, ?)", x.vhost(), x.name(), x.type(),
                x.autoDelete(), x.internal(), x.argumentsJson()));
    }

    /** Deletes the exchange and every binding from or to it. */
    @Override
    public synchronized void deleteExchange(String vhost, String name) {
        write("deletion of exchange " + name, () -> {
            update("DELETE FROM bindings WHERE vhost = ? AND (source = ? OR (destination = ? "
                    + "AND destination_type = ?))", vhost, name, name, BindingRow.DestinationType.EXCHANGE.name());
            update("DELETE FROM exchanges WHERE vhost = ? AND name = ?", vhost, name);
        });
    }

    @Override
    public synchronized void putQueue(QueueRow q) {
        write("queue " + q.name(), () -> update("MERGE INTO queues (vhost, name, auto_delete, arguments, home_node) "
                + "KEY (vhost, name) VALUES (?, ?, ?, ?, ?)", q.vhost(), q.name(), q.autoDelete(), q.argumentsJson(),
                q.node()));
    }

    /** Deletes the queue and every binding to it. */
    @Override
    public synchronized void deleteQueue(String vhost, String name) {
        write("deletion of queue " + name, () -> {
            update("DELETE FROM bindings WHERE vhost = ? AND destination = ? AND destination_type = ?", vhost, name,
                    BindingRow.DestinationType.QUEUE.name());
            update("DELETE FROM queues WHERE vhost = ? AND name = ?", vhost, name);
        });
    }

    @Override
    public synchronized void putBinding(BindingRow b) {
        write("binding from " + b.source(), () -> update("MERGE INTO bindings (vhost, source, destination, "
                + "destination_type, routing_key, arguments) KEY (vhost, source, destination, destination_type, "
                + "routing_key, arguments) VALUES (?, ?, ?, ?, ?, ?)", b.vhost(), b.source(), b.destination(),
                b.destinationType().name(), b.routingKey(), b.argumentsJson()));
    }

    @Override
    public synchronized void deleteBinding(BindingRow b) {
        write("deletion of binding from " + b.source(), () -> update("DELETE FROM bindings WHERE vhost = ? AND "
                + "source = ? AND destination = ? AND destination_type = ? AND routing_key = ? AND arguments = ?",
                b.vhost(), b.source(), b.destination(), b.destinationType().name(), b.routingKey(),
                b.argumentsJson()));
    }

    // ---- policies ----

    @Override
    public synchronized void putPolicy(PolicyRow p) {
        write("policy " + p.name(), () -> update("MERGE INTO policies (vhost, name, pattern, apply_to, priority, "
                + "definition) KEY (vhost, name) VALUES (?, ?, ?, ?, ?, ?)", p.vhost(), p.name(), p.pattern(),
                p.applyTo(), p.priority(), p.definitionJson()));
    }

    @Override
    public synchronized void deletePolicy(String vhost, String name) {
        write("deletion of policy " + name,
                () -> update("DELETE FROM policies WHERE vhost = ? AND name = ?", vhost, name));
    }

    // ---- vhost metadata, topic permissions, limits and parameters ----

    @Override
    public synchronized void putVhostMetadata(VhostMetadataRow m) {
        write("metadata of vhost " + m.vhost(), () -> update("MERGE INTO vhost_metadata (vhost, description, tags, "
                + "default_queue_type) KEY (vhost) VALUES (?, ?, ?, ?)", m.vhost(), m.description(),
                String.join(",", m.tags()), m.defaultQueueType()));
    }

    @Override
    public synchronized void putTopicPermission(TopicPermissionRow p) {
        write("topic permission of " + p.user() + " in " + p.vhost(), () -> update("MERGE INTO topic_permissions "
                + "(user_name, vhost, exchange, write_pattern, read_pattern) KEY (user_name, vhost, exchange) "
                + "VALUES (?, ?, ?, ?, ?)", p.user(), p.vhost(), p.exchange(), p.write(), p.read()));
    }

    /** Deletes the user's topic permission on one exchange of the vhost, or on all of them when exchange is null. */
    @Override
    public synchronized void deleteTopicPermission(String user, String vhost, String exchange) {
        write("deletion of topic permission of " + user + " in " + vhost, () -> {
            if (exchange == null) {
                update("DELETE FROM topic_permissions WHERE user_name = ? AND vhost = ?", user, vhost);
            } else {
                update("DELETE FROM topic_permissions WHERE user_name = ? AND vhost = ? AND exchange = ?", user,
                        vhost, exchange);
            }
        });
    }

    /** Stores the user's limits; an empty JSON object ("{}") deletes them. */
    @Override
    public synchronized void putUserLimits(UserLimitsRow l) {
        write("limits of user " + l.user(), () -> {
            if (l.limitsJson().equals("{}")) {
                update("DELETE FROM user_limits WHERE user_name = ?", l.user());
            } else {
                update("MERGE INTO user_limits (user_name, limits) KEY (user_name) VALUES (?, ?)", l.user(),
                        l.limitsJson());
            }
        });
    }

    @Override
    public synchronized void putParameter(ParameterRow p) {
        write("parameter " + p.component() + "/" + p.name(), () -> update("MERGE INTO parameters (vhost, component, "
                + "name, parameter_value) KEY (vhost, component, name) VALUES (?, ?, ?, ?)", p.vhost(), p.component(),
                p.name(), p.valueJson()));
    }

    @Override
    public synchronized void deleteParameter(String vhost, String component, String name) {
        write("deletion of parameter " + component + "/" + name, () -> update("DELETE FROM parameters WHERE "
                + "vhost = ? AND component = ? AND name = ?", vhost, component, name));
    }

    @Override
    public synchronized void putGlobalParameter(GlobalParameterRow p) {
        write("global parameter " + p.name(), () -> update("MERGE INTO global_parameters (name, parameter_value) "
                + "KEY (name) VALUES (?, ?)", p.name(), p.valueJson()));
    }

    @Override
    public synchronized void deleteGlobalParameter(String name) {
        write("deletion of global parameter " + name,
                () -> update("DELETE FROM global_parameters WHERE name = ?", name));
    }

    // ---- plumbing ----

    /** Statements that make up one write. */
    private interface Work {
        void run() throws SQLException;
    }

    private void write(String what, Work work) {
        try {
            work.run();
            connection.commit();
            // the commit is in the file (WRITE_DELAY=0) but maybe only in the OS's cache: fsync it
            try (Statement s = connection.createStatement()) {
                s.execute("CHECKPOINT SYNC");
            }
        } catch (SQLException e) {
            try {
                connection.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new DefinitionStoreException("cannot store " + what + ": " + e.getMessage(), e);
        }
    }

    private void update(String sql, Object... values) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i]);
            }
            ps.executeUpdate();
        }
    }

    /** Closes the database; the store cannot be used afterwards. */
    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new DefinitionStoreException("cannot close the definitions database: " + e.getMessage(), e);
        }
    }
}
