package org.imagetree.pipeline.execute;

import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What deployment-charts' {@code update_version/update_version.py} (run by PipelineLib's promote) does to a chart's
 * values, done in place on the text so that comments and layout stay as they are (the script round-trips with
 * ruamel): set {@code main_app.version}, or delete it (and {@code main_app} when nothing else is left in it, and the
 * file when it is then empty). For {@code helmfile.d/services/CHART/}: every environment given → {@code values.yaml}
 * gets the version and each {@code values-ENV.yaml} loses it; some → each {@code values-ENV.yaml} gets it (created when
 * missing). Without that directory (the old layout), {@code helmfile.d/services/ENV/CHART/values.yaml}.
 */
final class ChartValues {
    private static final Pattern MAIN_APP = Pattern.compile("^main_app:\\s*(#.*)?$");
    private static final Pattern VERSION = Pattern.compile("^(\\s+)version:(\\s*)([^#]*?)(\\s*#.*)?$");
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Set<String> SPECIAL = Set.of("true", "false", "yes", "no", "on", "off", "null", "y", "n", "~");

    private ChartValues() {}

    /** The files {@code update_version.py -s chart -v version -e env…} writes, and writes them. */
    static List<Path> update(Path checkout, String chart, String version, List<String> environments, List<String> validEnvironments)
            throws IOException {
        for (String e : environments) {
            if (!validEnvironments.contains(e)) {
                throw new IOException("environment '" + e + "' is not one of " + validEnvironments + " (update_version.py's choices)");
            }
        }
        if (chart.contains("/") || chart.equals("..") || chart.isEmpty()) throw new IOException("'" + chart + "' is not a chart name");
        List<String> envs = environments.isEmpty() ? validEnvironments : environments;
        Path root = checkout.resolve("helmfile.d").resolve("services");
        Path dir = root.resolve(chart);
        List<Path> written = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            if (Set.copyOf(envs).equals(Set.copyOf(validEnvironments))) {
                written.add(set(dir.resolve("values.yaml"), version, true));
                for (String env : envs) {
                    Path f = dir.resolve("values-" + env + ".yaml");
                    if (Files.isRegularFile(f)) {
                        delete(f);
                        written.add(f);
                    }
                }
            } else {
                for (String env : envs) written.add(set(dir.resolve("values-" + env + ".yaml"), version, true));
            }
        } else {
            for (String env : envs) written.add(set(root.resolve(env).resolve(chart).resolve("values.yaml"), version, false));
        }
        return written;
    }

    /** Sets {@code main_app.version} in {@code file} (created when {@code create}). */
    static Path set(Path file, String version, boolean create) throws IOException {
        if (!Files.isRegularFile(file)) {
            if (!create) throw new IOException(file + " does not exist");
            Files.writeString(file, "main_app:\n  version: " + scalar(version) + "\n", StandardCharsets.UTF_8);
            return file;
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        int main = mainApp(lines);
        if (main < 0) {
            if (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) lines.remove(lines.size() - 1);
            lines.add("main_app:");
            lines.add("  version: " + scalar(version));
        } else {
            int end = blockEnd(lines, main);
            int at = -1;
            String indent = childIndent(lines, main, end);
            for (int i = main + 1; i < end; i++) {
                Matcher m = VERSION.matcher(lines.get(i));
                if (m.matches() && m.group(1).equals(indent)) at = i;
            }
            if (at >= 0) {
                Matcher m = VERSION.matcher(lines.get(at));
                m.matches();
                lines.set(at, m.group(1) + "version: " + scalar(version) + (m.group(4) == null ? "" : m.group(4)));
            } else {
                lines.add(main + 1, indent + "version: " + scalar(version));
            }
        }
        write(file, lines);
        verify(file, version);
        return file;
    }

    /** Deletes {@code main_app.version} from {@code file}; then {@code main_app} if empty; then the file if empty. */
    static void delete(Path file) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        int main = mainApp(lines);
        if (main < 0) return;
        int end = blockEnd(lines, main);
        String indent = childIndent(lines, main, end);
        for (int i = main + 1; i < end; i++) {
            Matcher m = VERSION.matcher(lines.get(i));
            if (m.matches() && m.group(1).equals(indent)) {
                lines.remove(i);
                end--;
                break;
            }
        }
        boolean empty = true;
        for (int i = main + 1; i < end; i++) if (!isBlankOrComment(lines.get(i))) empty = false;
        if (empty) {
            for (int i = end - 1; i >= main; i--) lines.remove(i);
        }
        Object data = new Yaml().load(String.join("\n", lines));
        if (data == null || data instanceof Map<?, ?> m && m.isEmpty()) {
            Files.delete(file);
            return;
        }
        write(file, lines);
    }

    private static int mainApp(List<String> lines) throws IOException {
        for (int i = 0; i < lines.size(); i++) {
            if (MAIN_APP.matcher(lines.get(i)).matches()) return i;
            if (lines.get(i).startsWith("main_app:")) throw new IOException("main_app is written in flow style; cannot set its version in place");
        }
        return -1;
    }

    private static int blockEnd(List<String> lines, int main) {
        for (int i = main + 1; i < lines.size(); i++) {
            String l = lines.get(i);
            if (!isBlankOrComment(l) && !Character.isWhitespace(l.charAt(0))) return i;
        }
        return lines.size();
    }

    private static String childIndent(List<String> lines, int main, int end) {
        for (int i = main + 1; i < end; i++) {
            String l = lines.get(i);
            if (isBlankOrComment(l)) continue;
            int n = 0;
            while (n < l.length() && l.charAt(n) == ' ') n++;
            return " ".repeat(n);
        }
        return "  ";
    }

    private static boolean isBlankOrComment(String l) {
        String t = l.strip();
        return t.isEmpty() || t.startsWith("#");
    }

    private static String scalar(String v) {
        if (PLAIN.matcher(v).matches() && !SPECIAL.contains(v.toLowerCase(java.util.Locale.ROOT)) && !v.matches("[-+0-9._eE]+")) return v;
        return "'" + v.replace("'", "''") + "'";
    }

    private static void write(Path file, List<String> lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    private static void verify(Path file, String version) throws IOException {
        Object data = new Yaml().load(Files.readString(file, StandardCharsets.UTF_8));
        Object app = data instanceof Map<?, ?> m ? m.get("main_app") : null;
        Object v = app instanceof Map<?, ?> a ? a.get("version") : null;
        if (!version.equals(String.valueOf(v))) throw new IOException("setting main_app.version in " + file + " did not give '" + version + "' but " + v);
    }
}
