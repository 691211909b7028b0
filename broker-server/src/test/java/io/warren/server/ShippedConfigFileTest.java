package io.warren.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conf/warren.conf the release ships (distribution/src/dist/conf/warren.conf) lists every setting the broker
 * accepts, with the default the broker really uses, so a new flag cannot be left out of it.
 */
class ShippedConfigFileTest {
    // "# key = value" (a default) or "# key =" (no default); prose and "# e.g. key = ..." examples do not match
    private static final Pattern SETTING = Pattern.compile("(?m)^#[ \\t]?([a-z][a-z0-9-]*)[ \\t]*=[ \\t]*(.*)$");
    private static final Path SHIPPED = Path.of(System.getProperty("basedir", "."))
            .resolve("../distribution/src/dist/conf/warren.conf").normalize();

    private static List<String[]> settings() throws IOException {
        List<String[]> out = new ArrayList<>();
        Matcher m = SETTING.matcher(Files.readString(SHIPPED));
        while (m.find()) {
            out.add(new String[] {m.group(1), m.group(2).trim()});
        }
        return out;
    }

    @Test
    void everyKeyTheBrokerAcceptsIsInTheShippedConfigFile() throws IOException {
        Set<String> missing = new TreeSet<>(ServerOptions.KEYS);
        missing.remove("config"); // names the file itself
        settings().forEach(s -> missing.remove(s[0]));
        assertEquals(Set.of(), missing, "add these to " + SHIPPED + ", commented, with their defaults");
    }

    @Test
    void theShippedConfigFileNamesNoKeyTheBrokerRefuses() throws IOException {
        Set<String> unknown = new TreeSet<>();
        settings().forEach(s -> unknown.add(s[0]));
        unknown.removeAll(ServerOptions.KEYS);
        unknown.removeAll(ServerOptions.CTL_KEYS); // warrenctl's login, which the broker leaves alone
        assertEquals(Set.of(), unknown);
        assertTrue(ServerOptions.KEYS.containsAll(Set.of("amqp-port", "tls-cert", "http-body-budget")),
                "KEYS is read from USAGE: " + ServerOptions.KEYS);
    }

    @Test
    void asShippedEverythingIsCommentedOutSoTheBuiltInDefaultsApply() throws IOException {
        assertEquals(ServerOptions.parse(new String[0]),
                ServerOptions.parse(new String[] {"--config", SHIPPED.toString()}));
    }

    @Test
    void theDefaultsTheShippedConfigFileShowsAreTheBrokersDefaults(@TempDir Path dir) throws IOException {
        StringBuilder uncommented = new StringBuilder();
        for (String[] s : settings()) {
            if (!s[1].isEmpty()) {
                uncommented.append(s[0]).append(" = ").append(s[1]).append('\n');
            }
        }
        Path conf = Files.writeString(dir.resolve("defaults.conf"), uncommented);
        // the TLS settings' defaults only apply once TLS is on (the files are read when the broker starts)
        String[] tlsOn = {"--tls-cert", "cert.pem", "--tls-key", "key.pem"};
        String[] withConf = {"--config", conf.toString(), "--tls-cert", "cert.pem", "--tls-key", "key.pem"};
        assertEquals(ServerOptions.parse(tlsOn), ServerOptions.parse(withConf), uncommented.toString());
    }
}
