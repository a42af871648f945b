package org.imagetree.blubber.compile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Renders Dockerfile instructions, one line each (v0.23 rendering, spec §3.6). */
final class StageWriter {
    private final List<String> lines = new ArrayList<>();

    List<String> lines() { return List.copyOf(lines); }

    /** Adds a line; literal newlines after the instruction name are escaped as an injection guard. */
    void add(String instruction, String rest) {
        lines.add(instruction + " " + rest.replace("\n", "\\n"));
    }

    void from(String image, String stage) { add("FROM", image + " AS " + stage); }

    void user(String uid) { add("USER", uid.isEmpty() ? "0" : uid); }

    void env(Map<String, String> values) {
        if (values.isEmpty()) return;
        add("ENV", keyValues(values));
    }

    void env(String key, String value) { env(Map.of(key, value)); }

    void label(Map<String, String> values) { add("LABEL", keyValues(values)); }

    void arg(String name, String value) { add("ARG", name + "=" + Quoting.go(value)); }

    void arg(String name, int value) { add("ARG", name + "=" + Integer.toUnsignedString(value)); }

    void workdir(String path) { add("WORKDIR", Quoting.go(path)); }

    void run(String command) { add("RUN", command); }

    void runAll(List<String> commands) { run(String.join(" && ", commands)); }

    void entrypoint(List<String> argv) { add("ENTRYPOINT", Quoting.jsonArray(argv)); }

    void copy(String chown, String from, List<String> sources, String destination, List<String> excludes) {
        StringBuilder b = new StringBuilder();
        if (!chown.isEmpty()) b.append("--chown=").append(chown).append(' ');
        if (!from.isEmpty()) b.append("--from=").append(from).append(' ');
        for (String e : excludes) b.append("--exclude=").append(e).append(' ');
        List<String> all = new ArrayList<>(sources);
        all.add(sources.size() > 1 && !destination.endsWith("/") ? destination + "/" : destination);
        add("COPY", b + Quoting.jsonArray(all));
    }

    private static String keyValues(Map<String, String> values) {
        return values.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + Quoting.go(e.getValue())).collect(Collectors.joining(" "));
    }
}
