package io.warren.ctl;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Which broker to talk to and as whom: --url, --username and --password win; then the broker's own config file
 * (--config: its http-port and bind keys, and ctl-username / ctl-password); then http://localhost:15672 as
 * guest/guest.
 */
public record Target(String url, String username, String password) {
    static final String DEFAULT_URL = "http://localhost:15672";

    public static Target from(Args args) {
        Properties config = new Properties();
        String file = args.option("config");
        if (file != null) {
            try (Reader r = Files.newBufferedReader(Path.of(file))) {
                config.load(r);
            } catch (IOException | RuntimeException e) {
                throw new CtlException(ExitCodes.CONFIG, "cannot read config file " + file + ": " + e);
            }
        }
        String url = args.option("url");
        if (url == null) {
            url = file == null ? DEFAULT_URL : urlFromConfig(config, file);
        }
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw CtlException.usage("--url must start with http:// or https://, got '" + url + "'");
        }
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        String user = args.option("username", value(config, "ctl-username", "guest"));
        String password = args.option("password", value(config, "ctl-password", "guest"));
        return new Target(url, user, password);
    }

    /** The management listener the broker opens with this config file, seen from this host. */
    private static String urlFromConfig(Properties config, String file) {
        String port = value(config, "http-port", "15672");
        if (port.equalsIgnoreCase("none")) {
            throw new CtlException(ExitCodes.CONFIG, "config file " + file
                    + " turns the management HTTP listener off (http-port = none): give --url");
        }
        try {
            int p = Integer.parseInt(port);
            if (p <= 0 || p > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new CtlException(ExitCodes.CONFIG, "config file " + file + ": http-port must be a port number, got '"
                    + port + "'");
        }
        String host = value(config, "bind", "0.0.0.0");
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.isEmpty()) {
            host = "localhost"; // listening everywhere: reach it on this host
        } else if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + port;
    }

    private static String value(Properties config, String key, String dflt) {
        String v = config.getProperty(key);
        return v == null ? dflt : v.trim();
    }
}
