package io.warren.management.prometheus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a PromQL expression of a dashboard reads: its vector selectors (metric and label matchers), its
 * one-to-many joins ({@code on(...) group_left(...) rightSelector}) and the labels it groups by. Enough PromQL
 * for Grafana dashboards (functions, aggregations, binary operators, range selectors, grouping modifiers); not an
 * evaluator. For tests.
 */
final class PromQuery {
    /** A label matcher: =, !=, =~ or !~ and its value as written (variables not substituted). */
    record Matcher(String label, String op, String value) {
    }

    record Selector(String metric, List<Matcher> matchers) {
    }

    record Join(List<String> on, List<String> groupLeft, Selector right) {
    }

    private static final Set<String> LABEL_LISTS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right");

    final List<Selector> selectors = new ArrayList<>();
    final List<Join> joins = new ArrayList<>();
    final Set<String> byLabels = new LinkedHashSet<>();

    private final List<String> tokens;
    private int at;

    private PromQuery(List<String> tokens) {
        this.tokens = tokens;
    }

    static PromQuery parse(String expr) {
        PromQuery q = new PromQuery(tokenize(expr));
        q.parse();
        return q;
    }

    private void parse() {
        List<String> on = List.of();
        List<String> pendingGroupLeft = null;
        while (at < tokens.size()) {
            String t = tokens.get(at++);
            if (!isIdentifier(t)) {
                continue;
            }
            boolean call = at < tokens.size() && tokens.get(at).equals("(");
            if (LABEL_LISTS.contains(t)) {
                List<String> labels = call ? labelList() : List.of();
                switch (t) {
                    case "by" -> byLabels.addAll(labels);
                    case "on" -> on = labels;
                    case "group_left", "group_right" -> pendingGroupLeft = labels;
                    default -> { }
                }
            } else if (!call && !isKeyword(t)) {
                Selector s = new Selector(t, matchers());
                selectors.add(s);
                if (pendingGroupLeft != null) {
                    joins.add(new Join(on, pendingGroupLeft, s));
                    pendingGroupLeft = null;
                    on = List.of();
                }
            }
            // a function or aggregation name: its arguments are read as they come
        }
    }

    private static boolean isKeyword(String t) {
        return Set.of("and", "or", "unless", "bool", "offset").contains(t);
    }

    private List<String> labelList() {
        List<String> labels = new ArrayList<>();
        at++; // (
        while (!tokens.get(at).equals(")")) {
            String t = tokens.get(at++);
            if (!t.equals(",")) {
                labels.add(t);
            }
        }
        at++; // )
        return labels;
    }

    private List<Matcher> matchers() {
        List<Matcher> out = new ArrayList<>();
        if (at >= tokens.size() || !tokens.get(at).equals("{")) {
            return out;
        }
        at++;
        while (!tokens.get(at).equals("}")) {
            if (tokens.get(at).equals(",")) {
                at++;
                continue;
            }
            String label = tokens.get(at++);
            String op = tokens.get(at++);
            String value = unquote(tokens.get(at++));
            out.add(new Matcher(label, op, value));
        }
        at++;
        return out;
    }

    private static boolean isIdentifier(String t) {
        return !t.isEmpty() && (Character.isLetter(t.charAt(0)) || t.charAt(0) == '_' || t.charAt(0) == ':');
    }

    private static String unquote(String s) {
        if (s.length() < 2 || (s.charAt(0) != '"' && s.charAt(0) != '\'')) {
            throw new IllegalArgumentException("expected a quoted label value, got " + s);
        }
        StringBuilder b = new StringBuilder();
        for (int i = 1; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            b.append(c == '\\' ? s.charAt(++i) : c);
        }
        return b.toString();
    }

    /** Identifiers, quoted strings, numbers, operators and punctuation; range selectors ([60s]) are dropped. */
    static List<String> tokenize(String expr) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < expr.length()) {
            char c = expr.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                int j = i;
                while (j < expr.length() && (Character.isLetterOrDigit(expr.charAt(j)) || expr.charAt(j) == '_'
                        || expr.charAt(j) == ':')) {
                    j++;
                }
                out.add(expr.substring(i, j));
                i = j;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (expr.charAt(j) != c) {
                    j += expr.charAt(j) == '\\' ? 2 : 1;
                }
                out.add(expr.substring(i, j + 1));
                i = j + 1;
            } else if (c == '[') {
                i = expr.indexOf(']', i) + 1;
            } else if (Character.isDigit(c) || c == '.') {
                int j = i;
                while (j < expr.length() && (Character.isLetterOrDigit(expr.charAt(j)) || expr.charAt(j) == '.')) {
                    j++;
                }
                out.add(expr.substring(i, j));
                i = j;
            } else if (i + 1 < expr.length() && Set.of("!=", "=~", "!~", "==", ">=", "<=")
                    .contains(expr.substring(i, i + 2))) {
                out.add(expr.substring(i, i + 2));
                i += 2;
            } else {
                out.add(String.valueOf(c));
                i++;
            }
        }
        return out;
    }

    /** The label names a selector's matchers name, with the values (variables substituted) they want. */
    static Map<String, String> wanted(Selector s, Map<String, String> variables) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Matcher m : s.matchers()) {
            out.put(m.label(), substitute(m.value(), variables));
        }
        return out;
    }

    static String substitute(String value, Map<String, String> variables) {
        String v = value;
        for (Map.Entry<String, String> e : variables.entrySet()) {
            v = v.replace("${" + e.getKey() + "}", e.getValue()).replace("$" + e.getKey(), e.getValue());
        }
        return v;
    }
}
