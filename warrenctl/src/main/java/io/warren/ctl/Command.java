package io.warren.ctl;

/** One warrenctl command's work; returns the exit code (failures throw {@link CtlException}). */
@FunctionalInterface
public interface Command {
    int run(Context ctx);
}
