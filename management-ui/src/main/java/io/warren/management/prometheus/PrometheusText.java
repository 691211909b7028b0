package io.warren.management.prometheus;

import java.io.IOException;
import java.io.Writer;

/**
 * Writes Prometheus' text exposition format (version 0.0.4) to a Writer: a family's HELP and TYPE lines, then its
 * samples. Label values and help texts are escaped as the format asks; the caller gives names that are valid.
 */
final class PrometheusText {
    private final Writer out;

    PrometheusText(Writer out) {
        this.out = out;
    }

    /** Starts a family; type is counter, gauge or untyped. */
    void family(String name, String type, String help) throws IOException {
        out.write("# HELP ");
        out.write(name);
        out.write(' ');
        escape(help, false);
        out.write("\n# TYPE ");
        out.write(name);
        out.write(' ');
        out.write(type);
        out.write('\n');
    }

    /** A sample; labels are name, value pairs. */
    void sample(String name, double value, String... labels) throws IOException {
        out.write(name);
        if (labels.length > 0) {
            out.write('{');
            for (int i = 0; i < labels.length; i += 2) {
                if (i > 0) {
                    out.write(',');
                }
                out.write(labels[i]);
                out.write("=\"");
                escape(labels[i + 1], true);
                out.write('"');
            }
            out.write('}');
        }
        out.write(' ');
        out.write(format(value));
        out.write('\n');
    }

    static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    /** Backslash and newline escaped everywhere, the double quote in label values too. */
    private void escape(String s, boolean labelValue) throws IOException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.write("\\\\");
                case '\n' -> out.write("\\n");
                case '"' -> out.write(labelValue ? "\\\"" : "\"");
                default -> out.write(c);
            }
        }
    }
}
