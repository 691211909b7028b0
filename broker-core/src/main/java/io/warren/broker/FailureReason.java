package io.warren.broker;

import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reason a system call failed, in words for a log line: the JDK's file exceptions carry only a path as their
 * message, and Netty's native ones prefix the call ("bind(..) failed: Address already in use").
 */
public final class FailureReason {
    /** Netty's native transport: "bind(..) failed: Address already in use". */
    private static final Pattern NATIVE_CALL = Pattern.compile("\\w+\\(\\.\\.\\) failed: (.*)");

    private FailureReason() {
    }

    /** The reason with the file it concerns, if any: "/var/lib/warren: permission denied". */
    public static String of(Throwable e) {
        String reason = withoutFile(e);
        return e instanceof FileSystemException f && f.getFile() != null ? f.getFile() + ": " + reason : reason;
    }

    /** The reason alone, for a line that names the file already: "permission denied", "address already in use". */
    public static String withoutFile(Throwable e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        if (e instanceof FileSystemException f) {
            return f.getReason() == null ? "cannot be used" : lowerFirst(f.getReason());
        }
        if (e instanceof UnresolvedAddressException) {
            return "the address does not resolve";
        }
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        Matcher call = NATIVE_CALL.matcher(m);
        return lowerFirst(call.matches() ? call.group(1) : m);
    }

    private static String lowerFirst(String s) {
        if (s.length() > 1 && Character.isUpperCase(s.charAt(0)) && Character.isLowerCase(s.charAt(1))) {
            return s.substring(0, 1).toLowerCase(Locale.ROOT) + s.substring(1);
        }
        return s;
    }
}
