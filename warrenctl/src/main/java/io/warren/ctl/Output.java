package io.warren.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.List;

/**
 * What a command prints, shaped as rabbitmqctl's: an informational line first ("Listing queues for vhost / ..."),
 * left out with -q/--quiet or -s/--silent; tables as tab-separated lines under a header line of the column names,
 * left out with -s/--silent or --no-table-headers; or, with --formatter json, one JSON array of objects.
 */
public final class Output {
    private final PrintStream out;
    private final boolean quiet;
    private final boolean headers;
    private final boolean json;

    public Output(PrintStream out, Args args) {
        this.out = out;
        this.quiet = args.flag("quiet") || args.flag("silent");
        this.headers = !args.flag("silent") && !args.flag("no-table-headers");
        String formatter = args.option("formatter", "table");
        if (!formatter.equals("table") && !formatter.equals("json")) {
            throw CtlException.usage("--formatter must be table or json, got '" + formatter + "'");
        }
        this.json = formatter.equals("json");
    }

    /** An informational line, which quiet and silent modes and the JSON formatter leave out. */
    public void info(String line) {
        if (!quiet && !json) {
            out.println(line);
        }
    }

    /** A result line, printed in every mode. */
    public void line(String line) {
        out.println(line);
    }

    public boolean json() {
        return json;
    }

    public void printJson(JsonNode node) {
        try {
            out.println(ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (java.io.IOException e) {
            throw new CtlException(ExitCodes.SOFTWARE, e.getMessage());
        }
    }

    /** Rows of these columns, each cell taken from a row's JSON by the info item of that name. */
    public void table(InfoItems items, List<String> columns, JsonNode rows) {
        if (json) {
            ArrayNode array = ApiClient.JSON.createArrayNode();
            for (JsonNode row : rows) {
                ObjectNode o = array.addObject();
                for (String c : columns) {
                    o.set(c, items.value(c, row));
                }
            }
            printJson(array);
            return;
        }
        if (headers) {
            out.println(String.join("\t", columns));
        }
        StringBuilder line = new StringBuilder();
        for (JsonNode row : rows) {
            line.setLength(0);
            for (int i = 0; i < columns.size(); i++) {
                if (i > 0) {
                    line.append('\t');
                }
                line.append(cell(items.value(columns.get(i), row)));
            }
            out.println(line);
        }
    }

    /**
     * A value as one cell: text as it is, true/false, numbers; a list of names as rabbitmqctl shows tags
     * ("[administrator, monitoring]"); tables and other structures as compact JSON. Tabs and line breaks inside a
     * value are written as \t, \n and \r so that a row stays one line of tab-separated cells (backslashes stay as
     * they are: patterns read as typed).
     */
    static String cell(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return "";
        }
        if (v.isArray() && allText(v)) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < v.size(); i++) {
                b.append(i == 0 ? "" : ", ").append(v.get(i).asText());
            }
            return escape(b.append(']').toString());
        }
        return escape(v.isValueNode() ? v.asText() : v.toString());
    }

    private static boolean allText(JsonNode array) {
        for (JsonNode e : array) {
            if (!e.isTextual()) {
                return false;
            }
        }
        return true;
    }

    private static String escape(String s) {
        return s.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }
}
