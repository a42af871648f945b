import org.imagetree.ImageTreeEngine;
import org.imagetree.ImageTreeEngine.TagMode;
import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.imagetree.execute.BuildListener;
import org.imagetree.execute.ContainerEngine;
import org.imagetree.execute.DockerJavaEngine;
import org.imagetree.execute.ExecuteOptions;
import org.imagetree.model.ImageTreeLoader;
import org.imagetree.plan.BuildPlan;
import org.imagetree.plan.PlanOptions;
import org.imagetree.registry.RegistryClient;
import org.imagetree.report.BuildReport;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Benchmark 1c: the no-op build in a warm JVM, called the way the Jenkins step {@code buildImageTree} calls the engine
 * on its agent (plugin AgentCalls.BuildTree): per call the config is read, a Docker Engine client and a registry
 * client are made (so every call opens its own registry connection), the tree is loaded and planned
 * ({@code load} + {@code plan}: every template rendered), the empty plan executed and the table made.
 * CALLS calls one after another in one JVM; prints each call's wall and CPU seconds, the first call, and the
 * median of the second and later ones. Every call must find nothing to build. MODE {@code build} plans as the command
 * line's {@code build} does instead ({@code loadAndPlanBuild}: published images are not rendered).
 * Run: java -cp cli/target/imagetree-cli-all.jar bench/InProcessNoop.java CONFIG IMAGES_DIR [CALLS [step|build]]
 */
public class InProcessNoop {
    public static void main(String[] args) throws Exception {
        Path configFile = Path.of(args[0]);
        Path dir = Path.of(args[1]);
        int calls = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        // "step" (default): load + plan, as the step does; "build": loadAndPlanBuild, as the command line's build does.
        boolean lazy = args.length > 3 && args[3].equals("build");
        Map<String, String> env = System.getenv();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Path work = Files.createTempDirectory("imagetree-inprocess");
        List<Double> walls = new ArrayList<>();
        List<Double> cpus = new ArrayList<>();
        for (int i = 1; i <= calls; i++) {
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            int images;
            EngineConfig config = ConfigLoader.load(Optional.of(configFile), env);
            try (ContainerEngine engine = DockerJavaEngine.fromEnvironment(env)) {
                ImageTreeEngine it = new ImageTreeEngine(config, engine, RegistryClient.builder(config).build(), env,
                        Clock.systemDefaultZone());
                // As the step: it publishes by default to a local registry or with credentials, so a published image
                // counts as done only when its latest tag points at it too (one more check each, issue 13).
                boolean publish = ExecuteOptions.publishByDefault(config);
                PlanOptions options = new PlanOptions(Optional.empty(), true, publish);
                // The step's own loader (AgentCalls.plan): ImageTreeLoader with max(2, cores) threads, then plan.
                BuildPlan plan = lazy ? it.loadAndPlanBuild(dir, TagMode.RELEASE, options, loaded -> { })
                        : it.plan(new ImageTreeLoader(config, Math.max(2, Runtime.getRuntime().availableProcessors()))
                                .load(dir, TagMode.RELEASE.suffix(Clock.systemDefaultZone())), options);
                if (!plan.work().isEmpty()) throw new IllegalStateException("call " + i + " wants to build " + plan.work());
                BuildReport report = it.execute(plan, new ExecuteOptions(2, true, true, publish, work), BuildListener.NONE);
                if (!report.succeeded()) throw new IllegalStateException("call " + i + " failed:\n" + report.table());
                images = report.table().split("\n").length;
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
            walls.add(wall);
            cpus.add(cpu);
            System.out.printf("call %2d: wall %.3f s, cpu %.3f s (%d table lines)%n", i, wall, cpu, images);
        }
        System.out.printf("first call: wall %.3f s, cpu %.3f s%n", walls.get(0), cpus.get(0));
        System.out.printf("calls 2-%d: median wall %.3f s, median cpu %.3f s%n", calls,
                median(walls.subList(1, calls)), median(cpus.subList(1, calls)));
        System.out.println("load: " + Files.readString(Path.of("/proc/loadavg")).trim());
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
