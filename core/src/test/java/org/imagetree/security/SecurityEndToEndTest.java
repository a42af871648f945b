package org.imagetree.security;

import org.imagetree.ImageTreeEngine;
import org.imagetree.blubber.VariantBuild;
import org.imagetree.blubber.VariantEngine;
import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.imagetree.execute.BuildListener;
import org.imagetree.execute.ContainerEngine;
import org.imagetree.execute.DockerCli;
import org.imagetree.execute.ExecuteOptions;
import org.imagetree.model.BaseImageOf;
import org.imagetree.model.ImageReference;
import org.imagetree.plan.PlanOptions;
import org.imagetree.registry.RegistryClient;
import org.imagetree.report.BuildReport;
import org.imagetree.report.ImageResult;
import org.imagetree.report.Outcome;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.TestEnvironment;
import org.imagetree.testing.SignedAptRepository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Security updates end to end, for real: a signed APT repository on loopback (dpkg-deb, apt-ftparchive, gpg) has
 * {@code pkg 1.0}; a tree image built FROM the test base image ({@code imagetree-local/bookworm:latest}, published to a
 * LocalRegistry) installs it from there, a child inherits it, an unrelated image does not have it; a service image is
 * built with Blubber on the image's {@code latest}. The repository gets {@code pkg 1.1}: the scan, read from the
 * registry alone, reports the image ({@code own}) and its child ({@code parent}); {@code security update} bumps
 * exactly those two with {@code pkg} in the reason; after the build the scan is clean, and {@code stale} finds the
 * service image (and the pod running it) until it is rebuilt. A wrongly signed repository is an error.
 */
@Tag("docker")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurityEndToEndTest {
    private static final String SUITE = "bookworm-imagetree";
    Path work;
    Path tree;
    Path keyring;
    LocalRegistry registry;
    RegistryClient client;
    ContainerEngine engine;
    SignedAptRepository repo;
    EngineConfig config;
    String service;
    String serviceDigest;
    final List<String> created = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    void setUp() throws Exception {
        work = Files.createTempDirectory("itsec");
        registry = LocalRegistry.start();
        client = RegistryClient.builder().build();
        engine = TestEnvironment.engine();
        String base = TestEnvironment.publishBaseImage(registry.host());
        created.add(base);
        repo = new SignedAptRepository(SUITE);
        repo.publish("pkg", "1.0");
        keyring = repo.writeKeyring(work.resolve("imagetree-security-test.asc"));
        config = ConfigLoader.fromMap(Map.of("registry", registry.host(), "base_images", List.of(base),
                "security_sources", List.of(repo.sourceLine(keyring))));

        tree = work.resolve("images");
        String key = Base64.getEncoder().encodeToString(repo.publicKey().getBytes(StandardCharsets.UTF_8));
        String apt = "-o Dir::Etc::sourcelist=/etc/apt/sources.list.d/imagetree-sec.list -o Dir::Etc::sourceparts=-";
        image("secapp", "1.0", "FROM {{ \"bookworm\" | image_tag }}\n"
                + "RUN mkdir -p /etc/apt/keyrings && echo " + key + " | base64 -d > /etc/apt/keyrings/imagetree-sec.asc \\\n"
                + " && echo 'deb [signed-by=/etc/apt/keyrings/imagetree-sec.asc] " + repo.url() + " " + SUITE + " main'"
                + " > /etc/apt/sources.list.d/imagetree-sec.list \\\n"
                + " && apt-get " + apt + " update && apt-get " + apt + " install -y pkg && rm -rf /var/lib/apt/lists/*\n", null);
        image("secchild", "2.0", "FROM {{ \"secapp\" | image_tag }}\nLABEL role=child\n", "secapp");
        image("secother", "3.0", "FROM {{ \"bookworm\" | image_tag }}\nLABEL role=other\n", null);
        for (String n : List.of("secapp", "secchild", "secother")) created.add(registry.host() + "/" + n + ":latest");
    }

    @AfterAll
    void tearDown() throws Exception {
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
        if (repo != null) repo.close();
        if (work != null) SignedAptRepository.deleteTree(work);
    }

    private void image(String name, String version, String template, String depends) throws Exception {
        Path d = Files.createDirectories(tree.resolve(name));
        Files.writeString(d.resolve("changelog"), name + " (" + version + ") wikimedia; urgency=medium\n\n  * x\n\n"
                + " -- A <a@b.c>  Mon, 02 Nov 2026 10:00:00 +0000\n");
        Files.writeString(d.resolve("Dockerfile.template"), template);
        if (depends != null) Files.writeString(d.resolve("control"), "Source: " + name + "\nDepends: " + depends + "\n");
    }

    private ImageTreeEngine imagetree(EngineConfig c) {
        return new ImageTreeEngine(c, engine, client, Map.of("DEBFULLNAME", "Security Bot", "DEBEMAIL", "sec@example.org"), Clock.systemUTC());
    }

    private Map<String, ImageResult> build() throws Exception {
        ImageTreeEngine e = imagetree(config);
        BuildReport report = e.execute(e.plan(e.load(tree, ImageTreeEngine.TagMode.RELEASE), PlanOptions.defaults()),
                new ExecuteOptions(2, false, false, true, work.resolve("contexts")), new BuildListener() { });
        Map<String, ImageResult> m = new LinkedHashMap<>();
        report.images().forEach(i -> m.put(i.name(), i));
        for (ImageResult i : report.images()) {
            created.add(registry.host() + "/" + i.name() + ":" + i.tag());
            assertThat(i.outcome()).as(report.table()).isIn(Outcome.PUBLISHED, Outcome.UNCHANGED);
        }
        return m;
    }

    /** A service image built with Blubber on secapp's {@code latest}; returns its digest. */
    private String buildService() throws Exception {
        Path svc = Files.createDirectories(work.resolve("service"));
        Files.writeString(svc.resolve("blubber.yaml"), "version: v4\nbase: " + registry.host() + "/secapp:latest\n"
                + "variants:\n  production:\n    entrypoint: [/bin/true]\n");
        service = registry.host() + "/secsvc:production";
        created.add(service);
        VariantEngine ve = VariantEngine.forConfig(Optional.of(config), DockerCli.locateWithBuildKit(System.getenv()), engine);
        VariantBuild.Result r = new VariantBuild(ve, l -> { }).run(new VariantBuild.Request(svc.resolve("blubber.yaml"),
                "production", svc, List.of(service), Map.of(), null, true, null));
        return r.references().get(0).digest();
    }

    @Test
    @Order(1)
    void publishedImagesWithCurrentPackagesScanClean() throws Exception {
        build();
        serviceDigest = buildService();
        ScanReport scan = imagetree(config).securityScan(tree);
        assertThat(scan.images()).extracting(ScanReport.ImageScan::name).containsExactly("secapp", "secchild", "secother");
        assertThat(scan.images()).allMatch(i -> i.suite().equals("bookworm")).noneMatch(ScanReport.ImageScan::outdated);
        assertThat(scan.updatesPending()).isFalse();
        assertThat(scan.warnings()).isEmpty();
        // The service image records the production image it was built on.
        StaleImages.Report stale = imagetree(config).stale(List.of(service), Optional.empty());
        assertThat(stale.images()).singleElement().satisfies(i -> {
            assertThat(i.base()).isEqualTo(registry.host() + "/secapp:latest");
            assertThat(i.recorded()).isEqualTo(client.headManifest(ImageReference.parse(registry.host() + "/secapp:1.0")).orElseThrow().digest());
            assertThat(i.stale()).isFalse();
        });
    }

    @Test
    @Order(2)
    void aNewerPackageIsReportedForTheImageThatInstalledItAndItsChild() throws Exception {
        repo.publish("pkg", "1.1");
        ImageReader reader = new ImageReader(client);
        ScanReport scan = new SecurityScanner(reader, new AptIndexes(AptIndexes.defaultClient()), config.securitySources(),
                host -> true, 4).scan(List.of(
                new SecurityScanner.Target("secapp", registry.host() + "/secapp:1.0", null),
                new SecurityScanner.Target("secchild", registry.host() + "/secchild:2.0", registry.host() + "/secapp:1.0"),
                new SecurityScanner.Target("secother", registry.host() + "/secother:3.0", null)));
        assertThat(scan.get("secapp").orElseThrow().packages()).containsExactly(new ScanReport.Outdated("pkg", "1.0", "1.1", ScanReport.From.OWN));
        assertThat(scan.get("secchild").orElseThrow().packages()).containsExactly(new ScanReport.Outdated("pkg", "1.0", "1.1", ScanReport.From.PARENT));
        assertThat(scan.get("secother").orElseThrow().packages()).isEmpty();
        // The base layer, shared by all three images and the parent, was read once.
        long distinctLayers = 0;
        java.util.Set<String> layers = new java.util.HashSet<>();
        for (String ref : List.of("secapp:1.0", "secchild:2.0", "secother:3.0", "bookworm:latest")) {
            layers.addAll(reader.read(registry.host() + "/" + ref).orElseThrow().layers());
        }
        distinctLayers = layers.size();
        assertThat(reader.layerReads()).isLessThanOrEqualTo(distinctLayers);
        assertThat(scan.stats().layerBytes()).isPositive();

        // The engine's scan (what the CLI prints) and its JSON shape.
        ScanReport viaEngine = imagetree(config).securityScan(tree);
        String json = viaEngine.json();
        assertThat(json).contains("\"name\" : \"secapp\"", "\"from\" : \"own\"", "\"from\" : \"parent\"", "\"available\" : \"1.1\"");
        assertThat(viaEngine.text()).contains("pkg 1.0 -> 1.1 (own)", "pkg 1.0 -> 1.1 (parent)");
    }

    @Test
    @Order(3)
    void aWronglySignedRepositoryIsAnErrorNotACleanScan() throws Exception {
        Path other = SignedAptRepository.otherKey();
        try {
            repo.publishSignedBy(other, "pkg", "1.1");
            assertThatThrownBy(() -> imagetree(config).securityScan(tree))
                    .isInstanceOf(SecurityScanException.class).hasMessageContaining("not signed by any key of the keyring");
            List<String> before = new ArrayList<>();
            for (String n : List.of("secapp", "secchild", "secother")) before.add(Files.readString(tree.resolve(n + "/changelog")));
            assertThatThrownBy(() -> imagetree(config).securityUpdate(tree)).isInstanceOf(SecurityScanException.class);
            List<String> after = new ArrayList<>();
            for (String n : List.of("secapp", "secchild", "secother")) after.add(Files.readString(tree.resolve(n + "/changelog")));
            assertThat(after).as("nothing written").isEqualTo(before);
        } finally {
            SignedAptRepository.killAgent(other);
            repo.publish("pkg", "1.1");
        }
    }

    @Test
    @Order(4)
    void securityUpdateBumpsExactlyTheImageAndItsDependantsThenTheRebuiltTreeScansClean() throws Exception {
        ImageTreeEngine.SecurityUpdate update = imagetree(config).securityUpdate(tree);
        assertThat(update.plan().bases()).isEmpty();
        assertThat(update.bumps()).extracting(b -> b.name()).containsExactly("secapp", "secchild");
        assertThat(Files.readString(tree.resolve("secapp/changelog"))).startsWith("secapp (1.0-s1) wikimedia; urgency=high\n")
                .contains("* Security update: pkg 1.0 -> 1.1");
        assertThat(Files.readString(tree.resolve("secchild/changelog"))).startsWith("secchild (2.0-s1)")
                .contains("Refresh for update in parent image secapp:", "pkg 1.0 -> 1.1");
        assertThat(Files.readString(tree.resolve("secother/changelog"))).startsWith("secother (3.0)");

        Map<String, ImageResult> built = build();
        assertThat(built.get("secapp").outcome()).isEqualTo(Outcome.PUBLISHED);
        assertThat(built.get("secchild").outcome()).isEqualTo(Outcome.PUBLISHED);
        assertThat(built.get("secother").outcome()).isEqualTo(Outcome.UNCHANGED);

        ScanReport scan = imagetree(config).securityScan(tree);
        assertThat(scan.images()).extracting(ScanReport.ImageScan::tag).containsExactly("1.0-s1", "2.0-s1", "3.0");
        assertThat(scan.updatesPending()).as(scan.text()).isFalse();
        // Nothing more to do.
        assertThat(imagetree(config).securityUpdate(tree).bumps()).isEmpty();
    }

    @Test
    @Order(5)
    void staleFindsTheServiceImageBuiltOnTheOldParentUntilItIsRebuilt() throws Exception {
        String newParent = client.headManifest(ImageReference.parse(registry.host() + "/secapp:latest")).orElseThrow().digest();
        Path pods = work.resolve("pods.json");
        Files.writeString(pods, """
                {"apiVersion": "v1", "kind": "List", "items": [
                  {"metadata": {"name": "svc-7d4b9c6f5d-abcde", "namespace": "prod",
                                "ownerReferences": [{"kind": "ReplicaSet", "name": "svc-7d4b9c6f5d"}]},
                   "spec": {"containers": [{"name": "app", "image": "%s"}]},
                   "status": {"containerStatuses": [{"name": "app", "imageID": "docker-pullable://%s@%s"}]}},
                  {"metadata": {"name": "other-0", "namespace": "prod"},
                   "spec": {"containers": [{"name": "app", "image": "%s/secother:3.0"}]}}
                ]}
                """.formatted(service, service.substring(0, service.lastIndexOf(':')), serviceDigest, registry.host()));
        StaleImages.Report stale = imagetree(config).stale(List.of(service), Optional.of(pods));
        assertThat(stale.stale()).singleElement().satisfies(i -> {
            assertThat(i.reference()).isEqualTo(service);
            assertThat(i.current()).isEqualTo(newParent);
            assertThat(i.recorded()).isNotEqualTo(newParent);
        });
        assertThat(stale.workloads()).singleElement().satisfies(w -> {
            assertThat(w.namespace()).isEqualTo("prod");
            assertThat(w.kind()).isEqualTo("Deployment");
            assertThat(w.name()).isEqualTo("svc");
            assertThat(w.reason()).contains("stale");
        });
        assertThat(stale.json()).contains("\"stale\" : true", "\"workloads\"");

        // Rebuilt on the new parent: no longer stale; the pod still runs the old digest, so it is to redeploy.
        String rebuilt = buildService();
        assertThat(rebuilt).isNotEqualTo(serviceDigest);
        StaleImages.Report after = imagetree(config).stale(List.of(service), Optional.of(pods));
        assertThat(after.stale()).isEmpty();
        // Every image is checked and listed, the pods' images too (secother, whose base did not move).
        assertThat(after.images()).extracting(StaleImages.Image::reference).containsExactly(service, registry.host() + "/secother:3.0");
        assertThat(after.images().get(0).recorded()).isEqualTo(newParent);
        assertThat(after.text()).contains("2 images checked, 0 stale, 1 workload container to redeploy");
        assertThat(after.workloads()).singleElement().satisfies(w -> assertThat(w.reason()).contains("runs " + serviceDigest.substring(0, 19)));
    }
}
