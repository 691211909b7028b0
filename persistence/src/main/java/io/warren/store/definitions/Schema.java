package io.warren.store.definitions;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** The definitions database's tables, created or brought up to date when the store opens. */
final class Schema {
    /** Statements that take the schema from version i to i + 1, at index i. */
    private static final List<List<String>> MIGRATIONS = List.of(List.of(
            "CREATE TABLE IF NOT EXISTS vhosts (name VARCHAR PRIMARY KEY)",
            "CREATE TABLE IF NOT EXISTS users (name VARCHAR PRIMARY KEY, password_hash VARCHAR NOT NULL, "
                    + "hashing_algorithm VARCHAR NOT NULL, tags VARCHAR NOT NULL)",
            "CREATE TABLE IF NOT EXISTS permissions (user_name VARCHAR NOT NULL, vhost VARCHAR NOT NULL, "
                    + "configure_pattern VARCHAR NOT NULL, write_pattern VARCHAR NOT NULL, "
                    + "read_pattern VARCHAR NOT NULL, PRIMARY KEY (user_name, vhost))",
            "CREATE TABLE IF NOT EXISTS exchanges (vhost VARCHAR NOT NULL, name VARCHAR NOT NULL, "
                    + "type VARCHAR NOT NULL, auto_delete BOOLEAN NOT NULL, internal BOOLEAN NOT NULL, "
                    + "arguments VARCHAR NOT NULL, PRIMARY KEY (vhost, name))",
            "CREATE TABLE IF NOT EXISTS queues (vhost VARCHAR NOT NULL, name VARCHAR NOT NULL, "
                    + "auto_delete BOOLEAN NOT NULL, arguments VARCHAR NOT NULL, PRIMARY KEY (vhost, name))",
            // arguments are part of a binding's identity, as in AMQP: two bindings may differ only in them
            "CREATE TABLE IF NOT EXISTS bindings (vhost VARCHAR NOT NULL, source VARCHAR NOT NULL, "
                    + "destination VARCHAR NOT NULL, destination_type VARCHAR NOT NULL, "
                    + "routing_key VARCHAR NOT NULL, arguments VARCHAR NOT NULL, "
                    + "PRIMARY KEY (vhost, source, destination, destination_type, routing_key, arguments))",
            "CREATE TABLE IF NOT EXISTS policies (vhost VARCHAR NOT NULL, name VARCHAR NOT NULL, "
                    + "pattern VARCHAR NOT NULL, apply_to VARCHAR NOT NULL, priority INT NOT NULL, "
                    + "definition VARCHAR NOT NULL, PRIMARY KEY (vhost, name))"),
            // version 2: what RabbitMQ 3.12 exports besides the topology, so an import survives a restart
            List.of(
            "CREATE TABLE IF NOT EXISTS vhost_metadata (vhost VARCHAR PRIMARY KEY, description VARCHAR, "
                    + "tags VARCHAR NOT NULL, default_queue_type VARCHAR)",
            "CREATE TABLE IF NOT EXISTS topic_permissions (user_name VARCHAR NOT NULL, vhost VARCHAR NOT NULL, "
                    + "exchange VARCHAR NOT NULL, write_pattern VARCHAR NOT NULL, read_pattern VARCHAR NOT NULL, "
                    + "PRIMARY KEY (user_name, vhost, exchange))",
            "CREATE TABLE IF NOT EXISTS user_limits (user_name VARCHAR PRIMARY KEY, limits VARCHAR NOT NULL)",
            "CREATE TABLE IF NOT EXISTS parameters (vhost VARCHAR NOT NULL, component VARCHAR NOT NULL, "
                    + "name VARCHAR NOT NULL, parameter_value VARCHAR NOT NULL, PRIMARY KEY (vhost, component, name))",
            "CREATE TABLE IF NOT EXISTS global_parameters (name VARCHAR PRIMARY KEY, "
                    + "parameter_value VARCHAR NOT NULL)"),
            // version 3: a queue's home node in a cluster (null on a single node)
            List.of("ALTER TABLE queues ADD COLUMN IF NOT EXISTS home_node VARCHAR"));

    /** The version this code reads and writes. */
    static final int CURRENT = MIGRATIONS.size();

    private Schema() {
    }

    /** Brings the database to {@link #CURRENT}; refuses one written by a newer broker. */
    static void migrate(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INT NOT NULL)");
            c.commit();
            int version = version(s);
            if (version > CURRENT) {
                throw new DefinitionStoreException("the definitions database has schema version " + version
                        + ", newer than this broker's " + CURRENT + ": was it written by a newer Warren?");
            }
            for (int v = version; v < CURRENT; v++) {
                // H2 commits around DDL, so a step cut short is simply run again: hence IF NOT EXISTS
                for (String sql : MIGRATIONS.get(v)) {
                    s.execute(sql);
                }
                s.execute("DELETE FROM schema_version");
                s.execute("INSERT INTO schema_version (version) VALUES (" + (v + 1) + ")");
                c.commit();
            }
        }
    }

    private static int version(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
            rs.next();
            return rs.getInt(1); // 0 when the table is empty: a new database
        }
    }
}
