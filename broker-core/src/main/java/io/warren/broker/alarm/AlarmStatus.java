package io.warren.broker.alarm;

import java.util.Set;

/**
 * The alarms at one moment, with the measurements behind them, for the management API.
 *
 * @param active         the alarms on now
 * @param memoryUsed     heap after the last collection plus direct memory in use, in bytes
 * @param memoryLimit    the memory high watermark in bytes
 * @param diskFree       usable bytes under the data directory (-1 if unknown)
 * @param diskFreeLimit  the free-space limit in bytes
 */
public record AlarmStatus(Set<Resource> active, long memoryUsed, long memoryLimit, long diskFree,
                          long diskFreeLimit) {
}
