package io.warren.store.definitions;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads every table of the definitions database into rows, in a stable order. */
final class SnapshotReader {
    private final Connection connection;

    SnapshotReader(Connection connection) {
        this.connection = connection;
    }

    /** A row built from the current result-set position. */
    private interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    StoredDefinitions read() throws SQLException {
        return new StoredDefinitions(
                query("SELECT name FROM vhosts ORDER BY name", rs -> new VhostRow(rs.getString(1))),
                query("SELECT name, password_hash, hashing_algorithm, tags FROM users ORDER BY name",
                        rs -> new UserRow(rs.getString(1), rs.getString(2), rs.getString(3), tags(rs.getString(4)))),
                query("SELECT user_name, vhost, configure_pattern, write_pattern, read_pattern FROM permissions "
                                + "ORDER BY user_name, vhost",
                        rs -> new PermissionRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5))),
                query("SELECT vhost, name, type, auto_delete, internal, arguments FROM exchanges ORDER BY vhost, name",
                        rs -> new ExchangeRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4),
                                rs.getBoolean(5), rs.getString(6))),
                query("SELECT vhost, name, auto_delete, arguments, home_node FROM queues ORDER BY vhost, name",
                        rs -> new QueueRow(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getString(4),
                                rs.getString(5))),
                query("SELECT vhost, source, destination, destination_type, routing_key, arguments FROM bindings "
                                + "ORDER BY vhost, source, destination_type, destination, routing_key, arguments",
                        rs -> new BindingRow(rs.getString(1), rs.getString(2), rs.getString(3),
                                BindingRow.DestinationType.valueOf(rs.getString(4)), rs.getString(5),
                                rs.getString(6))),
                query("SELECT vhost, name, pattern, apply_to, priority, definition FROM policies ORDER BY vhost, name",
                        rs -> new PolicyRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getInt(5), rs.getString(6))),
                query("SELECT vhost, description, tags, default_queue_type FROM vhost_metadata ORDER BY vhost",
                        rs -> new VhostMetadataRow(rs.getString(1), rs.getString(2), tags(rs.getString(3)),
                                rs.getString(4))),
                query("SELECT user_name, vhost, exchange, write_pattern, read_pattern FROM topic_permissions "
                                + "ORDER BY user_name, vhost, exchange",
                        rs -> new TopicPermissionRow(rs.getString(1), rs.getString(2), rs.getString(3),
                                rs.getString(4), rs.getString(5))),
                query("SELECT user_name, limits FROM user_limits ORDER BY user_name",
                        rs -> new UserLimitsRow(rs.getString(1), rs.getString(2))),
                query("SELECT vhost, component, name, parameter_value FROM parameters ORDER BY vhost, component, name",
                        rs -> new ParameterRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4))),
                query("SELECT name, parameter_value FROM global_parameters ORDER BY name",
                        rs -> new GlobalParameterRow(rs.getString(1), rs.getString(2))));
    }

    private static List<String> tags(String joined) {
        return joined.isEmpty() ? List.of() : Arrays.asList(joined.split(","));
    }

    private <T> List<T> query(String sql, RowMapper<T> mapper) throws SQLException {
        List<T> out = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(mapper.map(rs));
            }
        }
        return List.copyOf(out);
    }
}
