package io.warren.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.distribution.Installation.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the scripts hand to java, and what they say when java is missing or too old. A stand-in java prints the
 * arguments it got, one a line, so these run in a moment; BrokerFromArchiveTest runs the real broker.
 */
class StartScriptsTest {
    @TempDir
    static Path dir;
    static Installation warren;
    @TempDir
    Path tmp;

    @BeforeAll
    static void unpack() throws Exception {
        warren = Installation.unpack(dir);
    }

    /** A JAVA_HOME whose bin/java reports the version and otherwise prints its arguments. */
    private Path fakeJavaHome(String version) throws IOException {
        Path home = tmp.resolve("jdk-" + version);
        Files.createDirectories(home.resolve("bin"));
        Path java = home.resolve("bin/java");
        Files.writeString(java, """
                #!/bin/sh
                if [ "$1" = -version ]; then echo 'openjdk version "%s" 2021-10-19' >&2; exit 0; fi
                printf '%%s\\n' "$@"
                """.formatted(version));
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return home;
    }

    private Result run(List<String> command, Map<String, String> env) throws Exception {
        return warren.run(command, env, tmp.resolve("out.log"));
    }

    @Test
    void warrenStartsTheJarWithTheHeapLoggingAndConfigThenTheCallersFlagsLast() throws Exception {
        Result r = run(warren.script("warren", "--amqp-port", "5999"), Map.of(
                "JAVA_HOME", fakeJavaHome("17.0.2").toString(), "WARREN_HEAP", "256m",
                "WARREN_JAVA_OPTS", "-Dx=1 -Dy=2"));
        assertEquals(0, r.exit(), r.output());
        Path home = warren.home().toRealPath();
        assertEquals(List.of("-XX:+UseG1GC", "-Xms256m", "-Xmx256m", "-XX:+ExitOnOutOfMemoryError",
                "-Dfile.encoding=UTF-8", "-Dwarren.home=" + home, "-Dx=1", "-Dy=2", "-jar", home.resolve("lib/warren.jar").toString(),
                "--config", home.resolve("conf/warren.conf").toString(), "--data-dir", home.resolve("data").toString(),
                "--amqp-port", "5999"), r.output().lines().toList());
    }

    @Test
    void theHeapDefaultsToOneGigabyteAndWarrenDataDirNamesTheDataDirectory() throws Exception {
        Result r = run(warren.script("warren"), Map.of("JAVA_HOME", fakeJavaHome("21").toString(),
                "WARREN_DATA_DIR", "/srv/warren data"));
        List<String> args = r.output().lines().toList();
        assertTrue(args.contains("-Xmx1g"), r.output());
        assertEquals("/srv/warren data", args.get(args.indexOf("--data-dir") + 1));
    }

    @Test
    void aLogbackFileIsPassedToTheJvmOnlyWhenWarrenLogbackNamesOne() throws Exception {
        Path logback = warren.home().toRealPath().resolve("conf/logback.xml");
        Result r = run(warren.script("warren"), Map.of("JAVA_HOME", fakeJavaHome("17").toString(),
                "WARREN_LOGBACK", logback.toString()));
        List<String> args = r.output().lines().toList();
        int option = args.indexOf("-Dlogback.configurationFile=" + logback);
        assertTrue(option >= 0 && option < args.indexOf("-jar"), r.output());
        Result plain = run(warren.script("warren"), Map.of("JAVA_HOME", fakeJavaHome("17").toString()));
        assertTrue(plain.output().lines().noneMatch(a -> a.startsWith("-Dlogback")), plain.output());
    }

    @Test
    void aDataDirInTheConfigFileIsLeftToTheBroker() throws Exception {
        Path conf = tmp.resolve("my.conf");
        Files.writeString(conf, "data-dir = /srv/warren\n");
        Result r = run(warren.script("warren"), Map.of("JAVA_HOME", fakeJavaHome("17").toString(),
                "WARREN_CONF", conf.toString()));
        List<String> args = r.output().lines().toList();
        assertEquals(conf.toString(), args.get(args.indexOf("--config") + 1));
        assertFalse(args.contains("--data-dir"), r.output());
    }

    @Test
    void aSymbolicLinkToTheScriptFindsTheInstallation() throws Exception {
        Path link = tmp.resolve("bin/warren");
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, warren.path("bin/warren"));
        Result r = run(List.of(link.toString()), Map.of("JAVA_HOME", fakeJavaHome("17").toString()));
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().lines().anyMatch(warren.home().toRealPath().resolve("lib/warren.jar").toString()::equals),
                r.output());
    }

    @Test
    void warrenctlRunsTheCliClassWithTheBrokersConfigFile() throws Exception {
        Result r = run(warren.script("warrenctl", "list", "queues"),
                Map.of("JAVA_HOME", fakeJavaHome("17").toString()));
        assertEquals(0, r.exit(), r.output());
        Path home = warren.home().toRealPath();
        List<String> args = r.output().lines().toList();
        assertEquals(List.of("-cp", home.resolve("lib/warren.jar").toString(), "io.warren.ctl.WarrenCtl",
                "--config", home.resolve("conf/warren.conf").toString(), "list", "queues"),
                args.subList(args.indexOf("-cp"), args.size()));
    }

    @Test
    void aJavaHomeWithoutJavaIsNamedPlainly() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("not-a-jdk"));
        for (String script : List.of("warren", "warrenctl")) {
            Result r = run(warren.script(script), Map.of("JAVA_HOME", empty.toString()));
            assertEquals(1, r.exit(), r.output());
            assertTrue(r.output().startsWith(script + ": JAVA_HOME is " + empty + " but " + empty + "/bin/java is "
                    + "missing or not executable; set JAVA_HOME to a Java 17 or newer installation"), r.output());
        }
    }

    @Test
    void noJavaOnThePathIsNamedPlainly() throws Exception {
        // a PATH with the few tools the script needs before it looks for java, and no java
        Path tools = Files.createDirectories(tmp.resolve("tools"));
        for (String tool : List.of("dirname", "readlink")) {
            Path found = Stream.of("/usr/bin", "/bin").map(d -> Path.of(d, tool)).filter(Files::isExecutable)
                    .findFirst().orElseThrow();
            Files.createSymbolicLink(tools.resolve(tool), found);
        }
        Result r = run(warren.script("warren"), Map.of("PATH", tools.toString()));
        assertEquals(1, r.exit(), r.output());
        assertTrue(r.output().startsWith("warren: no java found: install Java 17 or newer"), r.output());
    }

    @Test
    void aJavaOlderThan17IsRefusedWithItsVersion() throws Exception {
        Path old = fakeJavaHome("1.8.0_392");
        Result r = run(warren.script("warren"), Map.of("JAVA_HOME", old.toString()));
        assertEquals(1, r.exit(), r.output());
        assertEquals("warren: Warren needs Java 17 or newer, but " + old + "/bin/java is version 1.8.0_392; set "
                + "JAVA_HOME to a newer one\n", r.output());
    }

    @Test
    void aConfigFileOrHeapThatIsWrongIsNamedBeforeJavaStarts() throws Exception {
        String java = fakeJavaHome("17").toString();
        Result missing = run(warren.script("warren"), Map.of("JAVA_HOME", java, "WARREN_CONF", "/nowhere/w.conf"));
        assertEquals(1, missing.exit());
        assertEquals("warren: WARREN_CONF names /nowhere/w.conf, which does not exist\n", missing.output());
        Result heap = run(warren.script("warren"), Map.of("JAVA_HOME", java, "WARREN_HEAP", "lots"));
        assertEquals(1, heap.exit());
        assertEquals("warren: WARREN_HEAP must be a size like 512m or 4g, got 'lots'\n", heap.output());
    }
}
