package io.warren.store.definitions;

/** A user's stored limits (max-connections, max-channels) as a JSON object. */
public record UserLimitsRow(String user, String limitsJson) {
}
