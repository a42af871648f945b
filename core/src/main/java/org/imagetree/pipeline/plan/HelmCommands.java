package org.imagetree.pipeline.plan;

import org.imagetree.pipeline.expr.Interpolator;
import org.imagetree.pipeline.expr.Unresolved;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The helm command lines of a {@code deploy} step, as PipelineRunner's {@code deployWithChart}, {@code testRelease} and
 * {@code purgeReleases} run them (with {@code KUBECONFIG} from the settings): {@code helm install RELEASE CHART
 * --namespace=NS --values FILE --debug --wait --timeout Ns --repo REPO [--version V]}, {@code helm test RELEASE
 * --namespace=NS}, {@code helm uninstall RELEASE… --namespace=NS}. Stateless.
 */
public final class HelmCommands {
    /** What a plan shows for the release name, which a run draws at random (8 letters and digits, as PipelineLib). */
    public static final String RELEASE_PLACEHOLDER = "<release>";
    /** What a plan shows for the values file a run writes. */
    public static final String VALUES_PLACEHOLDER = "<values.yaml>";

    private HelmCommands() {}

    public static List<String> install(PipelineSettings s, String release, Object chart, Object version, Object timeout, String valuesFile) {
        List<String> cmd = new ArrayList<>(List.of(helm(s), "install", release, text(chart), "--namespace=" + s.helmNamespace(),
                "--values", valuesFile, "--debug", "--wait", "--timeout", (Interpolator.truthy(timeout) ? text(timeout) : String.valueOf(s.helmTimeout())) + "s",
                "--repo", s.chartRepository()));
        if (Interpolator.truthy(version) || version instanceof Unresolved) {
            cmd.add("--version");
            cmd.add(text(version));
        }
        return cmd;
    }

    public static List<String> test(PipelineSettings s, String release) {
        return List.of(helm(s), "test", release, "--namespace=" + s.helmNamespace());
    }

    public static List<String> uninstall(PipelineSettings s, List<String> releases) {
        List<String> cmd = new ArrayList<>(List.of(helm(s), "uninstall"));
        cmd.addAll(releases);
        cmd.add("--namespace=" + s.helmNamespace());
        return cmd;
    }

    /** The environment helm runs with. */
    public static Map<String, String> environment(PipelineSettings s) {
        return s.kubeConfig().map(k -> Map.of("KUBECONFIG", k)).orElse(Map.of());
    }

    /** A command line as a shell would read it (for plans and logs). */
    public static String display(PipelineSettings s, List<String> argv) {
        List<String> words = new ArrayList<>();
        environment(s).forEach((k, v) -> words.add(k + "=" + quote(v)));
        for (String a : argv) words.add(quote(a));
        return String.join(" ", words);
    }

    private static String helm(PipelineSettings s) { return s.helm().orElse("helm"); }

    private static String text(Object o) {
        if (o instanceof Unresolved u) return String.valueOf(u.shape());
        return o == null ? "" : Interpolator.text(o);
    }

    static String quote(String s) {
        if (!s.isEmpty() && s.matches("[A-Za-z0-9_./:=@%+,<>-]+") && !s.contains("<") || s.equals(RELEASE_PLACEHOLDER) || s.equals(VALUES_PLACEHOLDER)) return s;
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
