package io.warren.ctl;

/** Exit codes, as rabbitmqctl's (which are BSD sysexits): scripts branch on them. */
public final class ExitCodes {
    public static final int OK = 0;
    /** Wrong command line: unknown command or option, wrong number of arguments. */
    public static final int USAGE = 64;
    /** The broker refused the data: no such queue, vhost or policy, bad JSON, a rule broken. */
    public static final int DATA_ERROR = 65;
    /** No such user (as rabbitmqctl's no_such_user). */
    public static final int NO_USER = 67;
    /** The broker cannot be reached: not running, wrong address, listener off. */
    public static final int UNAVAILABLE = 69;
    /** Something went wrong that the user cannot fix: a broker-side error, an unexpected answer. */
    public static final int SOFTWARE = 70;
    /** Timed out: await_startup gave up, or a request outlived --timeout. */
    public static final int TEMP_FAIL = 75;
    /** The broker refused the credentials, or the user may not do this (sysexits EX_NOPERM). */
    public static final int NO_PERMISSION = 77;
    /** The config file named by --config cannot be read or makes no sense. */
    public static final int CONFIG = 78;

    private ExitCodes() {
    }
}
