package io.warren.server;

/** Why Warren could not start, in one line an operator can act on; the cause is kept for the debug log. */
final class StartupFailure extends Exception {
    StartupFailure(String line, Throwable cause) {
        super(line, cause);
    }
}
