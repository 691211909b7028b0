package io.warren.management.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a Grafana dashboard's queries against one scrape as Prometheus would store it: the template variables
 * get their values from the scrape (as Grafana's label_values does), then every selector of every panel must
 * match at least one series, every join's right side must carry the labels it is joined on and copies over, and
 * every label a query groups by must be on the series it groups (or come from a join). Returns the problems, one
 * line each, naming the panel. For tests.
 */
final class DashboardCheck {
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*),\\s*(\\w+)\\)");

    private final Exposition scrape;
    private final Map<String, String> variables = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private final Set<String> metrics = new LinkedHashSet<>();

    private DashboardCheck(Exposition scrape) {
        this.scrape = scrape;
    }

    /** The problems of the dashboard against the scrape; empty when every panel finds what it queries. */
    static DashboardCheck run(JsonNode dashboard, Exposition scrape) {
        DashboardCheck c = new DashboardCheck(scrape);
        for (JsonNode v : dashboard.path("templating").path("list")) {
            if (v.path("type").asText().equals("query")) {
                c.variable(v.path("name").asText(), v.path("query").path("query").asText());
            }
        }
        for (JsonNode panel : dashboard.path("panels")) {
            String title = panel.path("title").asText("panel " + panel.path("id").asText());
            for (JsonNode target : panel.path("targets")) {
                c.query(title, target.path("expr").asText());
            }
        }
        return c;
    }

    List<String> problems() {
        return problems;
    }

    /** Every metric name the dashboard's queries read. */
    Set<String> metrics() {
        return metrics;
    }

    Map<String, String> variables() {
        return variables;
    }

    private void variable(String name, String query) {
        Matcher m = LABEL_VALUES.matcher(query);
        if (!m.matches()) {
            problems.add("variable " + name + ": not a label_values query: " + query);
            return;
        }
        PromQuery q = PromQuery.parse(m.group(1));
        Set<String> values = new LinkedHashSet<>();
        for (Exposition.Sample s : matching(q.selectors.get(0))) {
            String v = s.labels().get(m.group(2));
            if (v != null && !v.isEmpty()) {
                values.add(v);
            }
        }
        // Grafana selects the first value; with none (no such label anywhere) the variable is empty
        variables.put(name, values.isEmpty() ? "" : values.iterator().next());
    }

    private void query(String panel, String expr) {
        PromQuery q = PromQuery.parse(expr);
        Set<PromQuery.Selector> rightSides = new LinkedHashSet<>();
        Set<String> joined = new LinkedHashSet<>();
        for (PromQuery.Join j : q.joins) {
            rightSides.add(j.right());
            joined.addAll(j.groupLeft());
            List<String> needed = new ArrayList<>(j.on());
            needed.addAll(j.groupLeft());
            if (matching(j.right()).stream().noneMatch(s -> s.labels().keySet().containsAll(needed))) {
                problems.add(panel + ": no series of " + j.right().metric() + " carries " + needed);
            }
            for (PromQuery.Selector left : q.selectors) {
                if (!rightSides.contains(left) && !left.equals(j.right())
                        && matching(left).stream().noneMatch(s -> s.labels().keySet().containsAll(j.on()))) {
                    problems.add(panel + ": " + left.metric() + " cannot be joined on " + j.on());
                }
            }
        }
        for (PromQuery.Selector s : q.selectors) {
            metrics.add(s.metric());
            if (scrape.samples(s.metric()).isEmpty()) {
                problems.add(panel + ": no metric " + s.metric());
                continue;
            }
            List<Exposition.Sample> found = matching(s);
            if (found.isEmpty()) {
                problems.add(panel + ": no series of " + s.metric() + " matches "
                        + PromQuery.wanted(s, variables));
                continue;
            }
            if (rightSides.contains(s)) {
                continue;
            }
            for (String by : q.byLabels) {
                if (!joined.contains(by) && found.stream().noneMatch(x -> x.labels().containsKey(by))) {
                    problems.add(panel + ": " + s.metric() + " has no label " + by + " to group by");
                }
            }
        }
    }

    private List<Exposition.Sample> matching(PromQuery.Selector selector) {
        List<Exposition.Sample> out = new ArrayList<>();
        for (Exposition.Sample s : scrape.samples(selector.metric())) {
            boolean all = true;
            for (PromQuery.Matcher m : selector.matchers()) {
                String actual = s.labels().getOrDefault(m.label(), "");
                String want = PromQuery.substitute(m.value(), variables);
                all &= switch (m.op()) {
                    case "=" -> actual.equals(want);
                    case "!=" -> !actual.equals(want);
                    case "=~" -> actual.matches(want);
                    case "!~" -> !actual.matches(want);
                    default -> throw new IllegalArgumentException("matcher " + m);
                };
            }
            if (all) {
                out.add(s);
            }
        }
        return out;
    }
}
