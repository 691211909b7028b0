package io.warren.broker.admin;

import java.util.Map;

/** What a re-drive did: messages sent back per queue, and those left (no x-death, or its queue is gone). */
public record RedriveResult(int moved, Map<String, Integer> movedTo, int left) {
}
