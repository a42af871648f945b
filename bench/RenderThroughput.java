import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.imagetree.model.ImageDefinition;
import org.imagetree.model.Labels;
import org.imagetree.read.ImageScanner;
import org.imagetree.read.ScanResult;
import org.imagetree.template.TemplateRenderer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Benchmark 4: template renders per second, in one warm JVM, over every template of a tree (default: the 125
 * production images). Renders the whole set repeatedly for SECONDS after a warm-up of the same length, on one
 * thread and then on all cores, and prints renders per second.
 * Run: java -cp cli/target/imagetree-cli-all.jar bench/RenderThroughput.java CONFIG IMAGES_DIR [SECONDS]
 */
public class RenderThroughput {
    public static void main(String[] args) throws Exception {
        EngineConfig config = ConfigLoader.load(Optional.of(Path.of(args[0])), Map.of());
        Path dir = Path.of(args[1]);
        double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 5;
        ScanResult scan = new ImageScanner().scan(dir);
        List<String> known = new ArrayList<>();
        for (ImageDefinition d : scan.images()) known.add(Labels.label(config.registry(), config.namespace(), d.name(), d.version()));
        known.addAll(config.baseImages());
        TemplateRenderer renderer = new TemplateRenderer(config, known, w -> { });
        List<Path> templates = scan.images().stream().map(ImageDefinition::template).toList();

        long t0 = System.nanoTime();
        for (Path t : templates) renderer.render(t);
        double cold = (System.nanoTime() - t0) / 1e9;
        System.out.printf("templates: %d; first pass (cold JIT): %.3f s = %.0f renders/s%n", templates.size(), cold, templates.size() / cold);
        run(renderer, templates, seconds, 1, false);
        double one = run(renderer, templates, seconds, 1, true);
        int cores = Runtime.getRuntime().availableProcessors();
        double all = run(renderer, templates, seconds, cores, true);
        System.out.printf("warm, 1 thread: %.0f renders/s (%.2f ms per template)%n", one, 1000 / one);
        System.out.printf("warm, %d threads: %.0f renders/s%n", cores, all);
    }

    private static double run(TemplateRenderer renderer, List<Path> templates, double seconds, int threads, boolean measured)
            throws InterruptedException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long[] counts = new long[threads];
        List<Thread> ts = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int k = 0; k < threads; k++) {
            int id = k;
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end) {
                    for (Path p : templates) renderer.render(p);
                    counts[id] += templates.size();
                }
            });
            ts.add(t);
            t.start();
        }
        for (Thread t : ts) t.join();
        double elapsed = (System.nanoTime() - t0) / 1e9;
        long total = 0;
        for (long c : counts) total += c;
        return total / elapsed;
    }
}
