package io.warren.broker.vhost;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/** Per-thread working sets for routing, reused so a publish does not allocate them. */
public final class RoutingScratch {
    final Set<Destination> hits = new HashSet<>();
    final Set<ExchangeEntity> seen = new HashSet<>();
    final ArrayDeque<ExchangeEntity> work = new ArrayDeque<>();
}
