package io.warren.broker.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code openssl s_client}: a TLS client whose protocol versions and cipher suites a test can choose freely. */
final class OpenSslClient {
    private OpenSslClient() {
    }

    /** What a handshake attempt printed, and whether it made a session. */
    record Result(int exitCode, String output) {
        private static final Pattern SESSION = Pattern.compile("New, (TLSv[0-9.]+), Cipher is (\\S+)");

        /** The protocol version of the session made, or null when the handshake failed. */
        String protocol() {
            Matcher m = SESSION.matcher(output);
            return exitCode == 0 && m.find() && !m.group(2).equals("(NONE)") ? m.group(1) : null;
        }

        boolean connected() {
            return protocol() != null;
        }
    }

    /** Connects to 127.0.0.1:port with these extra s_client arguments, sends nothing, and hangs up. */
    static Result handshake(int port, String... args) {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close(); // end of input: s_client hangs up after the handshake
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(cmd + " did not finish");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
