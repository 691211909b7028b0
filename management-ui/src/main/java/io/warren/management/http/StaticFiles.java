package io.warren.management.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/** The console's files, served from the classpath as they are: no build step. */
public final class StaticFiles {
    private static final String ROOT = "io/warren/management/console/";
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml",
            "png", "image/png", "ico", "image/x-icon", "json", "application/json");

    private StaticFiles() {
    }

    /** The file at the path ("/" is index.html), or null when there is none. */
    public static ApiResponse get(String path) throws IOException {
        String p = path.equals("/") || path.isEmpty() ? "index.html" : path.substring(1);
        if (p.contains("..") || p.contains("\\") || p.startsWith("/")) {
            return null;
        }
        try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(ROOT + p)) {
            if (in == null) {
                return null;
            }
            String ext = p.substring(p.lastIndexOf('.') + 1);
            return ApiResponse.raw(200, in.readAllBytes(), TYPES.getOrDefault(ext, "application/octet-stream"))
                    .withHeader("Cache-Control", "no-cache");
        }
    }
}
