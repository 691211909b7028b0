package io.warren.server.jepsen;

import java.time.Instant;

/** The run's log: one time-stamped line per event on standard output, so a long run can be followed. */
final class RunLog {
    private RunLog() {
    }

    static void say(String format, Object... args) {
        System.out.println(Instant.now() + " jepsen " + String.format(format, args));
        System.out.flush();
    }
}
