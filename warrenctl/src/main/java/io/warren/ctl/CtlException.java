package io.warren.ctl;

/** A failure that ends the command: the message is shown to the user, the code is the process's exit code. */
public class CtlException extends RuntimeException {
    private final int exitCode;

    public CtlException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public static CtlException usage(String message) {
        return new CtlException(ExitCodes.USAGE, message);
    }

    public static CtlException data(String message) {
        return new CtlException(ExitCodes.DATA_ERROR, message);
    }

    public int exitCode() {
        return exitCode;
    }
}
