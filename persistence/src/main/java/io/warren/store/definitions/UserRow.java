package io.warren.store.definitions;

import java.util.List;

/**
 * A stored user: never the password, only its salted hash and the algorithm that made it.
 *
 * @param passwordHash     base64 of salt and hash, as RabbitMQ exports it
 * @param hashingAlgorithm e.g. rabbit_password_hashing_sha256
 * @param tags             administrator, monitoring, ...; none may contain a comma
 */
public record UserRow(String name, String passwordHash, String hashingAlgorithm, List<String> tags) {
    public UserRow {
        tags = List.copyOf(tags);
        for (String t : tags) {
            if (t.contains(",")) {
                throw new IllegalArgumentException("a tag cannot contain a comma: '" + t + "'");
            }
        }
    }
}
