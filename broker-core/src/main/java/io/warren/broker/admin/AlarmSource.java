package io.warren.broker.admin;

import java.util.List;

/**
 * Reports the resource alarms in effect. The broker's alarm component plugs in here; until it does, the broker
 * reports none ({@link #NONE}).
 */
@FunctionalInterface
public interface AlarmSource {
    AlarmSource NONE = List::of;

    List<AlarmView> active();
}
