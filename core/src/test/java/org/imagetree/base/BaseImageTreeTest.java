package org.imagetree.base;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagetree.ImageTreeEngine;
import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.imagetree.execute.BuildListener;
import org.imagetree.execute.ContainerEngine;
import org.imagetree.execute.ExecuteOptions;
import org.imagetree.model.BaseImageOf;
import org.imagetree.model.ImageReference;
import org.imagetree.model.ImageTreeLoader.LoadedTree;
import org.imagetree.plan.Action;
import org.imagetree.plan.BuildPlan;
import org.imagetree.plan.PlanOptions;
import org.imagetree.registry.ManifestDescriptor;
import org.imagetree.registry.RegistryClient;
import org.imagetree.report.BuildReport;
import org.imagetree.report.ImageResult;
import org.imagetree.report.Outcome;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.TestEnvironment;
import org.imagetree.testing.TinyImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The roots of the tree, for real: debuerreotype builds bookworm (minbase, from the reachable mirror) twice with
 * identical digests, publishes it under both tags, a production tree is built, verified and published on it, and
 * a rebuilt base makes exactly its subtree stale. Two debuerreotype runs in all (~70 s each).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BaseImageTreeTest {
    @TempDir static Path work;
    static LocalRegistry registry;
    static RegistryClient client;
    static ContainerEngine engine;
    static EngineConfig config;
    static final List<String> created = Collections.synchronizedList(new ArrayList<>());
    static String baseDigest;
    static DebuerreotypeBuilder.Rootfs secondRootfs;
    static Path tree;

    @BeforeAll
    static void setUp() {
        registry = LocalRegistry.start();
        client = RegistryClient.builder().build();
        engine = TestEnvironment.engine();
        config = ConfigLoader.fromMap(Map.of("registry", registry.host(), "base_images", List.of(registry.host() + "/bookworm:latest")));
    }

    @AfterAll
    static void tearDown() {
        // Only our own tags and images; several passes because a replaced parent can go only after its replaced child.
        List<String> left = new ArrayList<>(created);
        for (int pass = 0; pass < 3 && !left.isEmpty(); pass++) {
            left.removeIf(ref -> {
                try {
                    engine.remove(ref);
                    return true;
                } catch (Exception e) {
                    return false;
                }
            });
        }
        if (engine != null) engine.close();
        if (registry != null) registry.close();
    }

    private static String host() { return registry.host(); }

    private static Optional<ManifestDescriptor> head(String ref) {
        return client.headManifest(ImageReference.parse(ref));
    }

    @Test
    @Order(1)
    void bookwormIsBuiltTwiceWithTheSameDigestAndPublishedUnderBothTags() throws Exception {
        String day = DateTimeFormatter.ofPattern("yyyyMMdd").format(LocalDate.now(ZoneOffset.UTC));
        String repo = host() + "/bookworm";
        created.addAll(List.of(repo + ":" + day, repo + ":latest"));
        BaseImages base = new BaseImages(config, new DebuerreotypeBuilder(System.getenv()), client, engine, Clock.systemUTC());
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        List<BaseImageBuild> builds = base.build(List.of("nosuchsuite", "bookworm"), BaseImages.Options.defaults(work.resolve("one"), true),
                (distro, line) -> log.add(distro + ": " + line));

        // A failing distribution is reported and does not stop the next one.
        assertThat(builds).hasSize(2);
        assertThat(builds.get(0).succeeded()).isFalse();
        assertThat(builds.get(0).error().orElseThrow()).contains("debuerreotype-init exited");
        BaseImageBuild bookworm = builds.get(1);
        assertThat(bookworm.error()).as(String.join("\n", log.subList(Math.max(0, log.size() - 30), log.size()))).isEmpty();
        assertThat(bookworm.tags()).containsExactly(repo + ":" + day, repo + ":latest");
        assertThat(bookworm.snapshot()).isFalse(); // snapshot.debian.org is not reachable here; no timestamp was asked for
        baseDigest = bookworm.digest();
        assertThat(head(repo + ":" + day).orElseThrow().digest()).isEqualTo(baseDigest);
        assertThat(head(repo + ":latest").orElseThrow().digest()).isEqualTo(baseDigest);
        assertThat(engine.inspect(repo + ":latest")).isPresent();
        assertThat(Files.list(work.resolve("one")).toList()).as("work directory cleaned up").isEmpty();

        // The second build of the same inputs: same epoch, byte-identical image.
        secondRootfs = new DebuerreotypeBuilder(System.getenv()).build(DebuerreotypeBuilder.Request.of("bookworm"), work.resolve("two"), l -> { });
        assertThat(secondRootfs.epoch()).as("the mirror's Release date did not move between the two builds").isEqualTo(bookworm.epoch());
        OciImageWriter.OciImage again = BaseImages.toImage("bookworm", secondRootfs, work.resolve("two/layer.tar.gz"));
        assertThat(again.manifestDigest()).isEqualTo(baseDigest);
    }

    private static void image(String name, String version, String template, String depends, String testSh) throws IOException {
        Path d = tree.resolve(name);
        Files.createDirectories(d);
        Files.writeString(d.resolve("changelog"), name + " (" + version + ") wikimedia; urgency=medium\n\n  * x\n\n"
                + " -- A <a@b.c>  Mon, 02 Nov 2026 10:00:00 +0000\n");
        Files.writeString(d.resolve("Dockerfile.template"), template);
        if (depends != null) Files.writeString(d.resolve("control"), "Source: " + name + "\nDepends: " + depends + "\n");
        if (testSh != null) {
            Path t = Files.writeString(d.resolve("test.sh"), testSh);
            Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static ImageTreeEngine imagetree() {
        return new ImageTreeEngine(config, engine, client, Map.of(), Clock.systemUTC());
    }

    private static BuildPlan plan(PlanOptions options) {
        ImageTreeEngine e = imagetree();
        LoadedTree t = e.load(tree, ImageTreeEngine.TagMode.RELEASE);
        return e.plan(t, options);
    }

    private static BuildReport execute(BuildPlan plan) throws InterruptedException {
        return imagetree().execute(plan, new ExecuteOptions(2, true, true, true, work.resolve("contexts")), new BuildListener() { });
    }

    private static Map<String, ImageResult> byName(BuildReport r) {
        Map<String, ImageResult> m = new LinkedHashMap<>();
        r.images().forEach(i -> m.put(i.name(), i));
        return m;
    }

    private static JsonNode labels(String ref) throws IOException {
        ImageReference r = ImageReference.parse(ref);
        JsonNode manifest = new ObjectMapper().readTree(client.getManifest(r).orElseThrow().content());
        byte[] config = client.getBlob(r.registry(), r.repository(), manifest.path("config").path("digest").asText()).orElseThrow();
        return new ObjectMapper().readTree(config).path("config").path("Labels");
    }

    @Test
    @Order(2)
    void aProductionTreeIsBuiltVerifiedAndPublishedOnTheBaseAndRecordsItsParents() throws Exception {
        assertThat(baseDigest).as("base image from the first test").isNotNull();
        tree = work.resolve("tree");
        String other = host() + "/other:1";
        TinyImage.docker("other").pushTo(client, ImageReference.parse(other));
        image("app", "1.0", "FROM {{ \"bookworm\" | image_tag }}\nRUN echo built > /built-by-imagetree\n", null,
                "#!/bin/bash\nset -e\ndocker run --rm --network host \"$1\" /bin/bash -c "
                        + "'test \"$LC_ALL\" = C.UTF-8 && test -e /built-by-imagetree && test ! -e /etc/apt/sources.list.d/debian.sources"
                        + " && grep -q bookworm-security /etc/apt/sources.list && test ! -e /etc/apt/apt.conf.d/80_proxy && apt-get --version >/dev/null'\n");
        image("appchild", "2.0", "FROM {{ \"app\" | image_tag }}\nLABEL role=child\n", "app", null);
        image("unrelated", "3.0", "FROM " + other + "\nLABEL role=unrelated\n", null, null);
        for (String n : List.of("app", "appchild", "unrelated")) created.addAll(List.of(host() + "/" + n + ":latest"));
        created.addAll(List.of(host() + "/app:1.0", host() + "/appchild:2.0", host() + "/unrelated:3.0", other));

        BuildReport report = execute(plan(PlanOptions.defaults()));
        Map<String, ImageResult> r = byName(report);
        assertThat(r.values()).as(report.table()).allMatch(i -> i.outcome() == Outcome.PUBLISHED);

        JsonNode app = labels(host() + "/app:1.0");
        assertThat(app.path(BaseImageOf.NAME_LABEL).asText()).isEqualTo(host() + "/bookworm:latest");
        assertThat(app.path(BaseImageOf.DIGEST_LABEL).asText()).isEqualTo(baseDigest);
        JsonNode child = labels(host() + "/appchild:2.0");
        assertThat(child.path(BaseImageOf.NAME_LABEL).asText()).isEqualTo(host() + "/app:1.0");
        assertThat(child.path(BaseImageOf.DIGEST_LABEL).asText()).isEqualTo(r.get("app").digest());
        assertThat(labels(host() + "/unrelated:3.0").path(BaseImageOf.DIGEST_LABEL).asText()).isEqualTo(head(other).orElseThrow().digest());
    }

    @Test
    @Order(3)
    void aRebuiltBaseMakesExactlyItsSubtreeStaleAndRebuildStaleRebuildsIt() throws Exception {
        assertThat(tree).as("tree from the previous test").isNotNull();
        // The base rebuilt a day later: same packages, new epoch, hence a new digest, published as :latest.
        DebuerreotypeBuilder.Rootfs later = new DebuerreotypeBuilder.Rootfs(secondRootfs.tarball(), secondRootfs.epoch() + 86_400,
                false, secondRootfs.source(), secondRootfs.version());
        OciImageWriter.OciImage newBase = BaseImages.toImage("bookworm", later, work.resolve("two/layer2.tar.gz"));
        String newDigest = new BaseImagePublisher(client, engine, Optional.empty()).publish(newBase, host() + "/bookworm", List.of("latest"), l -> { });
        assertThat(newDigest).isNotEqualTo(baseDigest);

        long before = client.requestCount();
        BuildPlan plain = plan(PlanOptions.defaults());
        long plainRequests = client.requestCount() - before;
        assertThat(plain.work()).isEmpty();
        assertThat(plain.images().values()).allMatch(p -> p.reason().equals("published"));
        assertThat(plainRequests).as("plain plan: one HEAD per label, its latest (issue #13) and non-base parent, nothing more").isLessThanOrEqualTo(8);

        BuildPlan checked = plan(new PlanOptions(Optional.empty(), true, true, true, false));
        assertThat(checked.work()).isEmpty();
        assertThat(checked.get("app").reason()).startsWith("stale: parent " + host() + "/bookworm:latest is now " + newDigest.substring(0, 19));
        assertThat(checked.get("appchild").reason()).isEqualTo("published");
        assertThat(checked.get("unrelated").reason()).isEqualTo("published");

        BuildPlan rebuild = plan(new PlanOptions(Optional.empty(), true, true, false, true));
        assertThat(rebuild.get("app").action()).isEqualTo(Action.BUILD);
        assertThat(rebuild.get("appchild").action()).isEqualTo(Action.BUILD);
        assertThat(rebuild.get("unrelated").action()).isEqualTo(Action.NONE);
        assertThat(rebuild.waves()).containsExactly(List.of("app"), List.of("appchild"));

        Map<String, String> changelogs = new LinkedHashMap<>();
        for (String n : List.of("app", "appchild", "unrelated")) changelogs.put(n, Files.readString(tree.resolve(n + "/changelog")));
        String oldApp = head(host() + "/app:1.0").orElseThrow().digest();
        for (String n : List.of("app:1.0", "appchild:2.0")) {
            engine.inspect(host() + "/" + n).ifPresent(i -> created.add(i.id())); // the replaced images, removed at the end
        }
        BuildReport report = execute(rebuild);
        Map<String, ImageResult> r = byName(report);
        assertThat(r.get("app").outcome()).as(report.table()).isEqualTo(Outcome.PUBLISHED);
        assertThat(r.get("appchild").outcome()).as(report.table()).isEqualTo(Outcome.PUBLISHED);
        assertThat(r.get("unrelated").outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(r.get("app").digest()).isNotEqualTo(oldApp);
        assertThat(labels(host() + "/app:1.0").path(BaseImageOf.DIGEST_LABEL).asText()).isEqualTo(newDigest);
        for (String n : changelogs.keySet()) assertThat(Files.readString(tree.resolve(n + "/changelog"))).as(n).isEqualTo(changelogs.get(n));

        BuildPlan after = plan(new PlanOptions(Optional.empty(), true, true, true, false));
        assertThat(after.images().values()).allMatch(p -> p.reason().equals("published"));
    }

    @Test
    @Order(4)
    void weeklyRefreshStopsWhenABaseFailsAndOtherwiseBumpsEveryChangelogAndBuildsOnTheNewBase() throws Exception {
        assertThat(tree).as("tree from the previous tests").isNotNull();
        EngineConfig weekly = ConfigLoader.fromMap(Map.of("registry", host(), "base_images", List.of(host() + "/bookworm:latest"),
                "weekly_author", "Image build Bot <root@example.org>", "weekly_exclude", List.of("unrelated")));
        ImageTreeEngine e = new ImageTreeEngine(weekly, engine, client, Map.of(), Clock.systemUTC());
        WeeklyRefresh refresh = new WeeklyRefresh(e);
        assertThat(refresh.distros()).containsExactly("bookworm");
        String day = DateTimeFormatter.ofPattern("yyyyMMdd").format(LocalDate.now(ZoneOffset.UTC));
        Map<String, String> changelogs = new LinkedHashMap<>();
        for (String n : List.of("app", "appchild", "unrelated")) changelogs.put(n, Files.readString(tree.resolve(n + "/changelog")));

        // A distro that cannot build stands in for a failed Sunday-04:00 run: the refresh stops before it changes anything
        // (issue 26): building the trees on last week's base under this week's versions would pass them off as refreshed.
        WeeklyRefresh.Result failed = refresh.run(List.of("nosuchsuite"), BaseImages.Options.defaults(work.resolve("weekly-failed"), true),
                List.of(tree), new ExecuteOptions(2, true, true, true, work.resolve("contexts")), new BuildListener() { });
        assertThat(failed.succeeded()).isFalse();
        assertThat(failed.basesSucceeded()).isFalse();
        assertThat(failed.bumps()).isEmpty();
        assertThat(failed.reports()).isEmpty();
        for (String n : changelogs.keySet()) assertThat(Files.readString(tree.resolve(n + "/changelog"))).as(n).isEqualTo(changelogs.get(n));

        // The real thing: bookworm rebuilt and published, every changelog bumped to -w<today>, the trees built on the new base.
        String repo = host() + "/bookworm";
        created.addAll(List.of(repo + ":" + day, repo + ":latest"));
        for (String n : List.of("app:1.0-w" + day, "appchild:2.0-w" + day)) created.add(host() + "/" + n);
        WeeklyRefresh.Result result = refresh.run(List.of("bookworm"), BaseImages.Options.defaults(work.resolve("weekly"), true),
                List.of(tree), new ExecuteOptions(2, true, true, true, work.resolve("contexts")), new BuildListener() { });
        assertThat(result.succeeded()).as(result.reports().isEmpty() ? result.bases().toString() : result.reports().get(tree).table()).isTrue();
        String latestBase = head(repo + ":latest").orElseThrow().digest();
        assertThat(result.bases()).singleElement().satisfies(b -> assertThat(b.digest()).isEqualTo(latestBase));
        assertThat(result.bumps().get(tree)).extracting(b -> b.name() + " " + b.newVersion())
                .containsExactlyInAnyOrder("app 1.0-w" + day, "appchild 2.0-w" + day);
        assertThat(Files.readString(tree.resolve("app/changelog"))).startsWith("app (1.0-w" + day + ") wikimedia; urgency=medium\n\n"
                + "  * Weekly rebuild.\n\n -- Image build Bot <root@example.org>  ");
        Map<String, ImageResult> r = byName(result.reports().get(tree));
        assertThat(r.get("app").outcome()).as(result.reports().get(tree).table()).isEqualTo(Outcome.PUBLISHED);
        assertThat(r.get("appchild").outcome()).isEqualTo(Outcome.PUBLISHED);
        assertThat(r.get("unrelated").outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(labels(host() + "/app:1.0-w" + day).path(BaseImageOf.DIGEST_LABEL).asText()).isEqualTo(latestBase);
    }
}
