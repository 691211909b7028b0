package io.warren.distribution;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The release tarball unpacked into a folder, and its scripts run as child processes with a chosen environment. */
final class Installation {
    private final Path home;

    private Installation(Path home) {
        this.home = home;
    }

    /** Unpacks the tarball the build made (system property warren.tarball) with tar, as a person installing would. */
    static Installation unpack(Path into) throws IOException, InterruptedException {
        Path tarball = Path.of(System.getProperty("warren.tarball"));
        if (!Files.isRegularFile(tarball)) {
            throw new IllegalStateException("no tarball at " + tarball + ": run the package phase first");
        }
        Process tar = new ProcessBuilder("tar", "xzf", tarball.toString(), "-C", into.toString())
                .redirectErrorStream(true).start();
        String out = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!tar.waitFor(60, TimeUnit.SECONDS) || tar.exitValue() != 0) {
            throw new IllegalStateException("tar failed: " + out);
        }
        return new Installation(into.resolve("warren-" + System.getProperty("warren.version")));
    }

    Path home() {
        return home;
    }

    Path path(String relative) {
        return home.resolve(relative);
    }

    /**
     * A process builder for a script (or any command), its output and errors into one log file, in an
     * environment without the caller's WARREN_* and JAVA_HOME variables plus the ones given.
     */
    ProcessBuilder command(List<String> command, Map<String, String> env, Path log) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("WARREN") || k.equals("JAVA_HOME"));
        pb.environment().putAll(env);
        return pb;
    }

    /** Runs a command to its end (60 s at most) and returns its exit code and output. */
    Result run(List<String> command, Map<String, String> env, Path log) throws IOException, InterruptedException {
        Files.deleteIfExists(log);
        Process p = command(command, env, log).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(command + " still runs after 60 s:\n" + Files.readString(log));
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    /** A script's command line: the script, then its arguments. */
    List<String> script(String name, String... args) {
        List<String> c = new ArrayList<>();
        c.add(path("bin/" + name).toString());
        c.addAll(List.of(args));
        return c;
    }

    /** How a finished command ended. */
    record Result(int exit, String output) {
    }
}
