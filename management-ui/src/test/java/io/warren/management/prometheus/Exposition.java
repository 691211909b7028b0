package io.warren.management.prometheus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A scrape in Prometheus' text format, parsed strictly enough to catch what Prometheus would refuse: every sample
 * belongs to a family declared with HELP and TYPE just before it, label values are quoted and escaped, values are
 * numbers. For tests.
 */
final class Exposition {
    record Sample(String name, Map<String, String> labels, double value) {
    }

    record Family(String name, String type, List<Sample> samples) {
    }

    private final Map<String, Family> families = new LinkedHashMap<>();

    private Exposition() {
    }

    static Exposition parse(String text) {
        Exposition e = new Exposition();
        Family current = null;
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("# HELP ")) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ");
                if (parts.length != 2 || !List.of("counter", "gauge", "untyped").contains(parts[1])) {
                    throw new IllegalArgumentException("bad TYPE line: " + line);
                }
                if (e.families.containsKey(parts[0])) {
                    throw new IllegalArgumentException("family declared twice: " + parts[0]);
                }
                current = new Family(parts[0], parts[1], new ArrayList<>());
                e.families.put(parts[0], current);
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            Sample s = sample(line);
            if (current == null || !current.name().equals(s.name())) {
                throw new IllegalArgumentException("sample outside its family: " + line);
            }
            current.samples().add(s);
        }
        return e;
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space = line.lastIndexOf(' ');
        String name = brace >= 0 && brace < space ? line.substring(0, brace) : line.substring(0, space);
        Map<String, String> labels = new LinkedHashMap<>();
        if (brace >= 0 && brace < space) {
            int i = brace + 1;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String label = line.substring(i, eq);
                if (line.charAt(eq + 1) != '"') {
                    throw new IllegalArgumentException("unquoted label value: " + line);
                }
                StringBuilder v = new StringBuilder();
                int j = eq + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char n = line.charAt(++j);
                        v.append(n == 'n' ? '\n' : n);
                    } else {
                        v.append(c);
                    }
                }
                labels.put(label, v.toString());
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
        }
        return new Sample(name, labels, Double.parseDouble(line.substring(space + 1)));
    }

    Map<String, Family> families() {
        return families;
    }

    /** Every sample of the name (empty when there is no such family). */
    List<Sample> samples(String name) {
        Family f = families.get(name);
        return f == null ? List.of() : f.samples();
    }

    /** The value of the one sample of the name whose labels include these (name, value pairs). */
    double value(String name, String... labels) {
        List<Sample> found = new ArrayList<>();
        for (Sample s : samples(name)) {
            boolean all = true;
            for (int i = 0; i < labels.length; i += 2) {
                all &= labels[i + 1].equals(s.labels().get(labels[i]));
            }
            if (all) {
                found.add(s);
            }
        }
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " samples of " + name + " " + List.of(labels) + " in "
                    + samples(name));
        }
        return found.get(0).value();
    }

    /** The same scrape as Prometheus stores it: these target labels added to every sample that lacks them. */
    Exposition withTargetLabels(Map<String, String> target) {
        Exposition e = new Exposition();
        for (Family f : families.values()) {
            List<Sample> samples = new ArrayList<>();
            for (Sample s : f.samples()) {
                Map<String, String> labels = new LinkedHashMap<>(target);
                labels.putAll(s.labels());
                samples.add(new Sample(s.name(), labels, s.value()));
            }
            e.families.put(f.name(), new Family(f.name(), f.type(), samples));
        }
        return e;
    }

    /** The same scrape without one family, to show that a check notices a missing metric. */
    Exposition without(String name) {
        Exposition e = new Exposition();
        e.families.putAll(families);
        e.families.remove(name);
        return e;
    }
}
