package org.imagetree.policy;

import org.imagetree.ImageTreeEngine;
import org.imagetree.ImageTreeEngine.TagMode;
import org.imagetree.InputError;
import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.imagetree.execute.BuildKitEngine;
import org.imagetree.execute.BuildListener;
import org.imagetree.execute.ContainerEngine;
import org.imagetree.execute.DockerCli;
import org.imagetree.execute.ExecuteOptions;
import org.imagetree.plan.BuildPlan;
import org.imagetree.plan.PlanOptions;
import org.imagetree.registry.RegistryClient;
import org.imagetree.report.BuildReport;
import org.imagetree.report.ImageResult;
import org.imagetree.report.Outcome;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.SmallTree;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Issue 12, as a hostile contributor would try it, with real builds through the classic builder and BuildKit: an image
 * pulled from a foreign registry by {@code COPY --from}, {@code RUN --mount from=} or a {@code # syntax} frontend, a
 * symlink to a host file outside the tree, a symlinked {@code Dockerfile.template} or {@code changelog}. Each is refused
 * with file, line and reason before anything is pulled or built; afterwards our registry holds nothing and the foreign
 * image was never pulled. The same tree with the foreign registry allowed does build and publish, so the refusals are
 * what stopped the bypasses.
 */
@Tag("docker")
class BuildBypassTest {
    private static final String SECRET = "host-secret-" + UUID.randomUUID();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"classic", "buildkit"})
    void everyBypassIsRefusedBeforeAnythingIsPulledOrPublished(String builder, @TempDir Path tmp) throws Exception {
        String base = TestEnvironment.baseImage();
        String run = builder + "-" + UUID.randomUUID().toString().substring(0, 8);
        Path host = Files.createDirectories(tmp.resolve("host"));
        Files.writeString(host.resolve("secret.txt"), SECRET + "\n");
        Files.writeString(host.resolve("Dockerfile.template"), "FROM " + base + "\n# " + SECRET + "\n");
        Files.writeString(host.resolve("changelog"), SECRET + " (1.0) x; urgency=low\n");
        try (LocalRegistry ours = LocalRegistry.start(); LocalRegistry foreign = LocalRegistry.startLoggingRequests();
             ContainerEngine docker = TestEnvironment.engine()) {
            ContainerEngine engine = builder.equals("buildkit") ? new BuildKitEngine(DockerCli.locateWithBuildKit(System.getenv()), docker) : docker;
            String evil = foreign.host() + "/evil/x-" + run + ":1";
            docker.tag(base, evil);
            docker.push(evil, Optional.empty(), l -> { });
            docker.remove(evil);
            assertThat(docker.inspect(evil)).isEmpty();
            String repository = "/v2/evil/x-" + run + "/";
            long seeded = requests(foreign, repository);

            String allowedBase = "docker.io/imagetree-local";
            Map<String, BiConsumer<SmallTree, Path>> bypasses = new LinkedHashMap<>();
            bypasses.put("COPY --from", (t, d) -> t.image("bad-" + run, "1.0", "FROM " + base + "\nCOPY --from=" + evil + " /etc/os-release /x\n", null));
            bypasses.put("RUN --mount from=", (t, d) -> t.image("bad-" + run, "1.0", "FROM " + base
                    + "\nRUN --mount=type=bind,from=" + evil + ",target=/x cat /x/etc/os-release\n", null));
            bypasses.put("# syntax", (t, d) -> t.image("bad-" + run, "1.0", "# syntax=" + evil + "\nFROM " + base + "\n", null));
            bypasses.put("symlink leak", (t, d) -> {
                t.image("bad-" + run, "1.0", "FROM " + base + "\nCOPY leak /leak\n", null);
                link(d.resolve("bad-" + run).resolve("leak"), host.resolve("secret.txt"));
            });
            bypasses.put("symlinked directory", (t, d) -> {
                t.image("bad-" + run, "1.0", "FROM " + base + "\nCOPY dir /dir\n", null);
                link(d.resolve("bad-" + run).resolve("dir"), host);
            });
            bypasses.put("symlinked Dockerfile.template", (t, d) -> {
                t.image("bad-" + run, "1.0", "", null);
                relink(d.resolve("bad-" + run).resolve("Dockerfile.template"), host.resolve("Dockerfile.template"));
            });
            bypasses.put("symlinked changelog", (t, d) -> {
                t.image("bad-" + run, "1.0", "FROM " + base + "\n", null);
                relink(d.resolve("bad-" + run).resolve("changelog"), host.resolve("changelog"));
            });
            Map<String, String> expected = Map.of(
                    "COPY --from", "Dockerfile.template:2: image '" + evil + "' is not from an allowed registry",
                    "RUN --mount from=", "Dockerfile.template:2: image '" + evil + "' is not from an allowed registry",
                    "# syntax", "Dockerfile.template:1: image '" + evil + "' is not from an allowed registry",
                    "symlink leak", "leak: symlink points outside the build context (-> " + host.resolve("secret.txt") + ")",
                    "symlinked directory", "dir: symlink points outside the build context (-> " + host + ")",
                    "symlinked Dockerfile.template", "Dockerfile.template: symlink points outside the build context (-> "
                            + host.resolve("Dockerfile.template") + ")",
                    "symlinked changelog", "changelog: symlink points outside the build context (-> " + host.resolve("changelog") + ")");
            EngineConfig config = ConfigLoader.fromMap(Map.of("registry", ours.host(), "base_images", List.of(base),
                    "allowed_registries", List.of(ours.host(), allowedBase)));
            ImageTreeEngine it = new ImageTreeEngine(config, engine, RegistryClient.builder(config).build(), Map.of(), Clock.systemUTC());
            for (Map.Entry<String, BiConsumer<SmallTree, Path>> b : bypasses.entrySet()) {
                Path images = tmp.resolve("tree-" + bypasses.keySet().stream().toList().indexOf(b.getKey())).resolve("images");
                SmallTree tree = SmallTree.at(images).image("good-" + run, "1.0", "FROM " + base + "\nRUN echo good > /good\n", null);
                b.getValue().accept(tree, images);
                List<String> built = new ArrayList<>();
                Throwable t = catchThrowable(() -> {
                    BuildPlan plan = it.loadAndPlanBuild(images, TagMode.RELEASE, new PlanOptions(Optional.empty(), false, false), l -> { });
                    it.execute(plan, new ExecuteOptions(2, true, false, true, tmp.resolve("work")), new BuildListener() {
                        @Override
                        public void imageFinished(ImageResult r) { built.add(r.name() + " " + r.outcome()); }
                    });
                });
                assertThat(t).as(b.getKey()).isInstanceOf(InputError.class);
                assertThat(t.getMessage()).as(b.getKey()).contains(expected.get(b.getKey())).doesNotContain(SECRET);
                assertThat(built).as(b.getKey() + ": nothing built").isEmpty();
                assertThat(RegistryClient.builder(config).build().catalog(ours.host())).as(b.getKey() + ": nothing published")
                        .hasValue(Set.of());
                assertThat(docker.inspect(evil)).as(b.getKey() + ": the foreign image was not pulled").isEmpty();
                assertThat(requests(foreign, repository)).as(b.getKey() + ": the foreign registry was not asked").isEqualTo(seeded);
                assertThat(docker.inspect(ours.host() + "/good-" + run + ":1.0")).as(b.getKey() + ": the good image was not built").isEmpty();
            }

            // The same COPY --from, with the foreign registry allowed, builds and publishes: the refusal is what stopped it.
            EngineConfig open = ConfigLoader.fromMap(Map.of("registry", ours.host(), "base_images", List.of(base),
                    "allowed_registries", List.of(ours.host(), allowedBase, foreign.host())));
            ImageTreeEngine lenient = new ImageTreeEngine(open, engine, RegistryClient.builder(open).build(), Map.of(), Clock.systemUTC());
            Path images = tmp.resolve("control").resolve("images");
            Files.createDirectories(images.resolve("shared"));
            Files.writeString(images.resolve("shared").resolve("motd"), "inside the tree\n");
            SmallTree.at(images).image("copy-" + run, "1.0", "FROM " + base + "\nCOPY --from=" + evil + " /etc/os-release /x\nCOPY motd /motd\n", null);
            link(images.resolve("copy-" + run).resolve("motd"), Path.of("../shared/motd"));
            String label = ours.host() + "/copy-" + run + ":1.0";
            try {
                BuildPlan plan = lenient.loadAndPlanBuild(images, TagMode.RELEASE, new PlanOptions(Optional.empty(), false, false), l -> { });
                BuildReport report = lenient.execute(plan, new ExecuteOptions(2, true, false, true, tmp.resolve("work")), new BuildListener() { });
                assertThat(report.images()).extracting(ImageResult::outcome).containsExactly(Outcome.PUBLISHED);
                assertThat(RegistryClient.builder(open).build().catalog(ours.host())).hasValue(Set.of("copy-" + run));
                assertThat(requests(foreign, repository)).as("the build pulled from the foreign registry").isGreaterThan(seeded);
            } finally {
                docker.remove(label);
                docker.remove(ours.host() + "/copy-" + run + ":latest");
                docker.remove(evil);
            }
        }
    }

    /** How many requests for {@code path} the registry has logged. */
    private static long requests(LocalRegistry registry, String path) {
        return registry.log().lines().filter(l -> l.contains(path)).count();
    }

    private static void link(Path link, Path target) {
        try {
            Files.createSymbolicLink(link, target);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void relink(Path file, Path target) {
        try {
            Files.delete(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        link(file, target);
    }
}
