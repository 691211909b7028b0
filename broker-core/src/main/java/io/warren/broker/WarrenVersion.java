package io.warren.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Warren's version, the Maven project version the build wrote into a resource. */
public final class WarrenVersion {
    private static final String VERSION = read();

    private WarrenVersion() {
    }

    /** The version, e.g. 0.1.0 or 0.1.0-SNAPSHOT. */
    public static String get() {
        return VERSION;
    }

    private static String read() {
        try (InputStream in = WarrenVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown"; // classes run without the build's resources (an IDE that skips filtering)
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
