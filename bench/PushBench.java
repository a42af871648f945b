import org.imagetree.execute.ContainerEngine;
import org.imagetree.execute.DockerJavaEngine;
import org.imagetree.execute.ImagePublisher;
import org.imagetree.registry.RegistryClient;
import org.imagetree.testing.FaultyProxy;
import org.imagetree.testing.LocalRegistry;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Benchmark 7 (issue 22): publishing local images, Image Tree's push (ImagePublisher: engine export, our uploads)
 * against the Docker Engine's push (the Engine API, as Image Tree pushed before), paired: the same local images, each
 * tool into an empty registry of its own, in dependency order (parents first), JOBS images at a time, every image
 * under its version tag and then {@code latest} (a second push for the engine, a manifest PUT for us), RUNS times
 * alternately. A counting proxy in front of each registry counts requests and request-body bytes (blob uploads and
 * manifests); wall time is the publishing alone.
 *
 * Two trees: "tiny": one tiny image (FROM scratch, a ~100-byte file of its own) per name:tag given in NAMES_FILE (the
 * 125 production images' labels); "shared": a base of BASE_MB incompressible MB, MIDS images on it (1 MB each of their
 * own) and LEAVES images on each mid (300 KB each): one base layer and the mids' layers shared.
 * Usage: java -cp … bench/PushBench.java NAMES_FILE   (env RUNS=3 JOBS=4 BASE_MB=20 MIDS=4 LEAVES=4 TREES=tiny,shared;
 * VERBOSE=1 prints each of our pushes' export and push times)
 */
public class PushBench {
    record Image(String name, String tag, String id, String parent) {}

    record Run(String tool, String tree, long millis, int requests, long bytes) {}

    static final int RUNS = Integer.parseInt(System.getenv().getOrDefault("RUNS", "3"));
    static final int JOBS = Integer.parseInt(System.getenv().getOrDefault("JOBS", "4"));
    static final boolean VERBOSE = System.getenv().containsKey("VERBOSE");
    static final List<String> TREES = List.of(System.getenv().getOrDefault("TREES", "tiny,shared").split(","));

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("imagetree-push-bench-");
        String host = System.getenv().getOrDefault("DOCKER_HOST", "");
        List<String> localTags = new ArrayList<>();
        try (ContainerEngine engine = new DockerJavaEngine(host.isEmpty() ? "unix:///var/run/docker.sock" : host)) {
            Map<String, List<List<Image>>> trees = new LinkedHashMap<>();
            if (TREES.contains("tiny")) trees.put("tiny", List.of(tiny(engine, Path.of(args[0]), work, localTags)));
            if (TREES.contains("shared")) trees.put("shared", shared(engine, work, localTags));
            List<Run> runs = new ArrayList<>();
            for (int r = 0; r < RUNS; r++) {
                for (String tree : trees.keySet()) {
                    // Alternate which tool goes first, so neither always meets a warmer machine.
                    List<String> tools = r % 2 == 0 ? List.of("docker-push", "image-tree") : List.of("image-tree", "docker-push");
                    for (String tool : tools) {
                        Run run = publish(tool, tree, trees.get(tree), engine, work.resolve("run-" + r + "-" + tool), localTags);
                        runs.add(run);
                        System.out.printf("run %d %-6s %-11s %7d ms %5d requests %11d bytes%n", r, tree, tool, run.millis(), run.requests(), run.bytes());
                    }
                }
            }
            System.out.println();
            System.out.println("tree    images  tool         median wall   requests   bytes uploaded   (medians of " + RUNS + " runs, JOBS=" + JOBS + ")");
            for (String tree : trees.keySet()) {
                int images = trees.get(tree).stream().mapToInt(List::size).sum();
                for (String tool : List.of("docker-push", "image-tree")) {
                    List<Run> of = runs.stream().filter(x -> x.tool().equals(tool) && x.tree().equals(tree)).toList();
                    System.out.printf("%-7s %6d  %-11s %9.2f s %10d %16d%n", tree, images, tool,
                            median(of.stream().map(Run::millis).toList()) / 1000.0,
                            median(of.stream().map(x -> (long) x.requests()).toList()),
                            median(of.stream().map(Run::bytes).toList()));
                }
            }
        } finally {
            for (String t : localTags) {
                new ProcessBuilder("/usr/bin/docker", "image", "rm", "-f", t).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            }
            try (var s = Files.walk(work)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** One wave: the tiny images, each imported from a one-file tar (docker import: one layer, no container). */
    static List<Image> tiny(ContainerEngine engine, Path namesFile, Path work, List<String> localTags) throws Exception {
        List<Image> out = new ArrayList<>();
        int i = 0;
        for (String line : Files.readAllLines(namesFile)) {
            String nameTag = line.trim();
            if (nameTag.isEmpty()) continue;
            int colon = nameTag.lastIndexOf(':');
            Path dir = Files.createDirectories(work.resolve("tiny-" + i++));
            Files.writeString(dir.resolve("id"), "tiny image " + nameTag + " " + System.nanoTime() + "\n");
            String local = "imagetree-push-bench/" + nameTag.substring(0, colon).replace('/', '-') + ":" + nameTag.substring(colon + 1);
            run(dir, "/usr/bin/tar", "-cf", "layer.tar", "id");
            run(dir, "/usr/bin/docker", "import", "layer.tar", local);
            localTags.add(local);
            out.add(new Image(nameTag.substring(0, colon), nameTag.substring(colon + 1), engine.inspect(local).orElseThrow().id(), null));
        }
        return out;
    }

    /** Three waves: a base, MIDS images on it, LEAVES on each mid; incompressible data in every layer. */
    static List<List<Image>> shared(ContainerEngine engine, Path work, List<String> localTags) throws Exception {
        int baseMb = Integer.parseInt(System.getenv().getOrDefault("BASE_MB", "20"));
        int mids = Integer.parseInt(System.getenv().getOrDefault("MIDS", "4"));
        int leaves = Integer.parseInt(System.getenv().getOrDefault("LEAVES", "4"));
        Random random = new Random(22);
        Image base = build(engine, work, "shared-base", null, baseMb * 1_000_000, random, localTags);
        List<Image> middle = new ArrayList<>();
        List<Image> bottom = new ArrayList<>();
        for (int m = 0; m < mids; m++) {
            Image mid = build(engine, work, "shared-mid" + m, base, 1_000_000, random, localTags);
            middle.add(mid);
            for (int l = 0; l < leaves; l++) bottom.add(build(engine, work, "shared-leaf" + m + "-" + l, mid, 300_000, random, localTags));
        }
        return List.of(List.of(base), middle, bottom);
    }

    static Image build(ContainerEngine engine, Path work, String name, Image parent, int bytes, Random random, List<String> localTags) throws Exception {
        Path dir = Files.createDirectories(work.resolve("build-" + name));
        byte[] data = new byte[bytes];
        random.nextBytes(data);
        Files.write(dir.resolve("data.bin"), data);
        Files.writeString(dir.resolve("Dockerfile"), "FROM " + (parent == null ? "scratch" : "imagetree-push-bench/" + parent.name() + ":1.0")
                + "\nCOPY data.bin /" + name + ".bin\n");
        String local = "imagetree-push-bench/" + name + ":1.0";
        String id = engine.build(new ContainerEngine.BuildRequest(dir, List.of(local), Map.of(), Map.of(), false,
                ContainerEngine.ResourceLimits.NONE), line -> { });
        localTags.add(local);
        return new Image(name, "1.0", id, parent == null ? null : parent.name());
    }

    /** Publishes every wave of {@code tree} with {@code tool} into a fresh registry; returns what it cost. */
    static Run publish(String tool, String treeName, List<List<Image>> tree, ContainerEngine engine, Path dir, List<String> localTags)
            throws Exception {
        Files.createDirectories(dir);
        try (LocalRegistry registry = LocalRegistry.start(); FaultyProxy proxy = FaultyProxy.start(registry.baseUri())) {
            String r = proxy.host();
            RegistryClient client = RegistryClient.builder().build();
            ImagePublisher publisher = tool.equals("image-tree") ? new ImagePublisher(engine, client, dir, dir.resolve("layer-store")) : null;
            ExecutorService pool = Executors.newFixedThreadPool(JOBS);
            // The engine pushes a tag it holds: tag every image for this registry first (not timed).
            if (publisher == null) {
                for (List<Image> wave : tree) {
                    for (Image i : wave) {
                        for (String tag : List.of(i.tag(), "latest")) {
                            engine.tag(i.id(), r + "/" + i.name() + ":" + tag);
                            localTags.add(r + "/" + i.name() + ":" + tag);
                        }
                    }
                }
            }
            int requests0 = proxy.requestCount();
            long bytes0 = proxy.bodyBytes();
            long t0 = System.nanoTime();
            try {
                for (List<Image> wave : tree) {
                    List<Future<?>> done = new ArrayList<>();
                    for (Image i : wave) {
                        done.add(pool.submit(() -> {
                            String version = r + "/" + i.name() + ":" + i.tag();
                            String latest = r + "/" + i.name() + ":latest";
                            if (publisher != null) {
                                List<String> bases = i.parent() == null ? List.of() : List.of(r + "/" + i.parent() + ":1.0");
                                publisher.push(i.id(), version, bases, line -> { if (VERBOSE && line.startsWith("pushed ")) System.out.println("  " + line); });
                                publisher.push(i.id(), latest, List.of(), line -> { });
                            } else {
                                engine.push(version, Optional.empty(), line -> { });
                                engine.push(latest, Optional.empty(), line -> { });
                            }
                            return null;
                        }));
                    }
                    for (Future<?> f : done) f.get();
                }
            } finally {
                pool.shutdownNow();
                if (publisher != null) publisher.close();
            }
            return new Run(tool, treeName, (System.nanoTime() - t0) / 1_000_000, proxy.requestCount() - requests0, proxy.bodyBytes() - bytes0);
        }
    }

    static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    static void run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
    }
}
