package io.warren.management;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;

/**
 * Tests that drive a program from outside Maven (Chromium, rabbitmqadmin) skip where it is not installed, but
 * fail where it must be: .ci/run installs them and sets WARREN_REQUIRE_TOOLS, so CI never skips them silently.
 */
public final class ExternalTool {
    private ExternalTool() {
    }

    public static void require(boolean available, String what) {
        if (System.getenv("WARREN_REQUIRE_TOOLS") != null) {
            assertTrue(available, what + ", and WARREN_REQUIRE_TOOLS says this run must have it");
        } else {
            assumeTrue(available, what);
        }
    }

    /** The named program on the PATH, or null. */
    public static File onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.canRead()) {
                return f;
            }
        }
        return null;
    }
}
