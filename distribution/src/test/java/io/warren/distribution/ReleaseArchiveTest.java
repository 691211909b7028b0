package io.warren.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleaseArchiveTest {
    @TempDir
    static Path dir;
    static Installation warren;

    @BeforeAll
    static void unpack() throws Exception {
        warren = Installation.unpack(dir);
    }

    @Test
    void theArchiveHoldsOneTopFolderNamedAfterTheVersion() throws IOException {
        try (var top = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("warren-" + System.getProperty("warren.version"))), top.toList());
        }
    }

    @Test
    void theScriptsKeepTheirExecuteBits() throws IOException {
        for (String script : List.of("bin/warren", "bin/warrenctl")) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(warren.path(script));
            assertTrue(perms.containsAll(Set.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_EXECUTE)), script + " is " + perms);
        }
    }

    @Test
    void theJarIsTheRunnableShadedOneWithTheBrokerAndItsLibraries() throws IOException {
        try (JarFile jar = new JarFile(warren.path("lib/warren.jar").toFile())) {
            assertEquals("io.warren.server.Main", jar.getManifest().getMainAttributes().getValue("Main-Class"));
            assertTrue(jar.getEntry("io/netty/channel/Channel.class") != null, "Netty is not inside warren.jar");
            assertTrue(jar.getEntry("ch/qos/logback/classic/Logger.class") != null, "Logback is not inside");
        }
    }

    @Test
    void configurationLoggingAndTheSystemdUnitAreShipped() throws IOException {
        assertTrue(Files.readString(warren.path("conf/warren.conf")).contains("# amqp-port = 5672"));
        assertTrue(Files.readString(warren.path("conf/logback.xml")).contains("<configuration>"));
        String unit = Files.readString(warren.path("systemd/warren.service"));
        for (String line : List.of("User=warren", "ExecStart=/opt/warren/bin/warren", "LimitNOFILE=65536",
                "Restart=on-failure", "EnvironmentFile=-/etc/warren/warren.env")) {
            assertTrue(unit.lines().anyMatch(line::equals), "the unit lacks " + line);
        }
        assertTrue(Files.isRegularFile(warren.path("systemd/warren.env")));
        assertTrue(Files.readString(warren.path("INSTALL.md")).contains("systemctl"));
    }
}
