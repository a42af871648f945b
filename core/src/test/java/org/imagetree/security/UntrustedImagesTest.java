package org.imagetree.security;

import org.imagetree.ImageTreeEngine;
import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.imagetree.model.BaseImageOf;
import org.imagetree.registry.RegistryClient;
import org.imagetree.testing.LayeredImage;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.LyingRegistry;
import org.imagetree.testing.SignedAptRepository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crafted images pushed through the Registry API to a real registry, scanned against a real signed APT repository:
 * what an image's author (or a registry in between) can do to make the scan's answer wrong, or to make the scanner
 * reach other hosts, and the answer it now gets instead.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UntrustedImagesTest {
    static final String OLD = "Package: openssl\nStatus: install ok installed\nVersion: 3.0.11-1~deb12u1\n";
    static final String OWN = OLD + "\nPackage: app\nStatus: install ok installed\nVersion: 0.9\n";
    LocalRegistry registry;
    LocalRegistry elsewhere;
    LyingRegistry liar;
    RegistryClient client;
    SignedAptRepository repo;
    Path work;
    EngineConfig config;
    LayeredImage.Layer base;
    String baseDigest;

    @BeforeAll
    void setUp() throws Exception {
        work = Files.createTempDirectory("ituntrusted");
        registry = LocalRegistry.start();
        elsewhere = LocalRegistry.startLoggingRequests();
        liar = LyingRegistry.start(registry.baseUri());
        client = RegistryClient.builder().build();
        repo = new SignedAptRepository("bookworm-untrusted");
        repo.publish("openssl", "3.0.13-1~deb12u1", "app", "1.0");
        Path keyring = repo.writeKeyring(work.resolve("repo.asc"));
        // Ours: the registry, and the liar (a mirror the config trusts); elsewhere is named nowhere in the config.
        config = ConfigLoader.fromMap(Map.of("registry", registry.host(), "allowed_registries", List.of(registry.host(), liar.host()),
                "security_sources", List.of(repo.sourceLine(keyring))));
        base = LayeredImage.layer().symlink("etc/os-release", "../usr/lib/os-release")
                .file("usr/lib/os-release", "VERSION_CODENAME=bookworm\n").file("var/lib/dpkg/status", OLD);
        baseDigest = LayeredImage.push(client, ref("base:1"), List.of(base), Map.of());
        LayeredImage.push(client, elsewhere.host() + "/untrusted/base:1", List.of(base), Map.of());
    }

    @AfterAll
    void tearDown() throws Exception {
        if (liar != null) liar.close();
        if (registry != null) registry.close();
        if (elsewhere != null) elsewhere.close();
        if (repo != null) repo.close();
        if (work != null) SignedAptRepository.deleteTree(work);
    }

    private String ref(String name) { return registry.host() + "/untrusted/" + name; }

    /** Requests a registry logged (its access log). */
    private static long requests(LocalRegistry r) {
        return r.log().lines().filter(l -> l.contains(" /v2/")).count();
    }

    private ImageTreeEngine engine() {
        return new ImageTreeEngine(config, null, RegistryClient.builder(config).build(), Map.of(), Clock.systemUTC());
    }

    private ScanReport.ImageScan scan(String reference) {
        ScanReport r = engine().securityScan(List.of(reference));
        assertThat(r.images()).hasSize(1);
        return r.images().get(0);
    }

    @Test
    void aStatusStoredAsAHardlinkIsReadThroughItsTarget() {
        LayeredImage.push(client, ref("hardlink:1"), List.of(base, LayeredImage.layer()
                .file("var/lib/dpkg/status-new", OWN).hardlink("var/lib/dpkg/status", "var/lib/dpkg/status-new")), Map.of());
        ScanReport.ImageScan s = scan(ref("hardlink:1"));
        assertThat(s.failed()).isFalse();
        assertThat(s.packages()).extracting(ScanReport.Outdated::name).containsExactly("app", "openssl");
    }

    @Test
    void aStatusUnderANonCanonicalNameInTheTopLayerIsTheOneRead() {
        for (String name : List.of("var/lib/dpkg/./status", "var//lib/dpkg/status", "/var/lib/dpkg/status", "./var/lib/dpkg/status")) {
            String r = ref("noncanonical:" + name.replaceAll("[^a-z]", "x"));
            LayeredImage.push(client, r, List.of(base, LayeredImage.layer().rawName(name, OWN)), Map.of());
            assertThat(scan(r).packages()).as(name).extracting(ScanReport.Outdated::name).containsExactly("app", "openssl");
        }
    }

    @Test
    void aLayerSwappedByAMirrorIsAnErrorOnItsRowAndTheOtherImagesAreReported() {
        LayeredImage.Layer own = LayeredImage.layer().file("var/lib/dpkg/status", OWN);
        LayeredImage.push(client, ref("swapped:1"), List.of(base, own), Map.of());
        // The mirror swaps the layer that installed the outdated app for one that did not.
        liar.lie("/blobs/" + own.digest(), new LyingRegistry.Swap(LayeredImage.layer().file("var/lib/dpkg/status", OLD).bytes()));
        ScanReport r = engine().securityScan(List.of(liar.host() + "/untrusted/swapped:1", ref("base:1")));
        assertThat(r.failed()).isTrue();
        assertThat(r.images()).hasSize(2);
        ScanReport.ImageScan swapped = r.images().get(0);
        assertThat(swapped.error()).hasValueSatisfying(e -> assertThat(e).contains("blob " + own.digest(), liar.host(), "not the blob asked for"));
        assertThat(r.images().get(1).packages()).extracting(ScanReport.Outdated::name).containsExactly("openssl");
        assertThat(r.text()).contains("swapped:1: not read: ", "2 images scanned, 1 with security updates pending, 1 not read");
        assertThat(r.json()).contains("\"error\" : ");
    }

    @Test
    void noRegistryTheConfigDoesNotNameIsEverContacted() {
        long before = requests(elsewhere);
        // A parent recorded on another host, and a target there.
        LayeredImage.push(client, ref("foreign-parent:1"), List.of(base, LayeredImage.layer().file("var/lib/dpkg/status", OWN)),
                Map.of(BaseImageOf.NAME_LABEL, elsewhere.host() + "/untrusted/base:1", BaseImageOf.DIGEST_LABEL, baseDigest));
        ScanReport r = engine().securityScan(List.of(ref("foreign-parent:1"), elsewhere.host() + "/untrusted/base:1"));
        assertThat(r.images().get(0).packages()).allMatch(p -> p.from() == ScanReport.From.OWN);
        assertThat(r.images().get(1).error()).hasValueSatisfying(e -> assertThat(e).startsWith("not ours: " + elsewhere.host()));
        StaleImages.Report stale = engine().stale(List.of(ref("foreign-parent:1")), Optional.empty());
        assertThat(stale.images().get(0).note()).contains("its base: not ours: " + elsewhere.host());
        assertThat(stale.failed()).isFalse();
        assertThat(requests(elsewhere)).as("requests to the registry named nowhere in the config").isEqualTo(before);
    }

    @Test
    void textFromTheImageIsCheckedOrEscapedNeverPrintedRaw() {
        LayeredImage.push(client, ref("ansi:1"), List.of(base, LayeredImage.layer()
                .file("var/lib/dpkg/status", "Package: app\nStatus: install ok installed\nVersion: 0.9\u001b[2J\u001b[1;1Hall clean\n")), Map.of());
        LayeredImage.push(client, ref("suite:1"), List.of(base, LayeredImage.layer()
                .file("usr/lib/os-release", "VERSION_CODENAME=\"bookworm?x=1#\u001b[31m\"\n")), Map.of());
        ScanReport r = engine().securityScan(List.of(ref("ansi:1"), ref("suite:1")));
        assertThat(r.images().get(0).error()).hasValueSatisfying(e -> assertThat(e).contains("control character (\\x1b)"));
        assertThat(r.images().get(1).suite()).isEmpty();
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("is not a suite name").contains("\\x1b").doesNotContain("\u001b"));
        assertThat(r.text() + r.json() + String.join("\n", r.warnings())).doesNotContain("\u001b");
        assertThat(repo.requests()).noneMatch(q -> q.contains("?") || q.contains("x=1"));
    }

    @Test
    void anUnparseableStatusIsAnErrorNotAnEmptyDatabase() {
        LayeredImage.push(client, ref("binary:1"), List.of(base, LayeredImage.layer().file("var/lib/dpkg/status", new byte[]{0x7f, 'E', 'L', 'F', 0, 0})), Map.of());
        LayeredImage.push(client, ref("oneline:1"), List.of(base, LayeredImage.layer().file("var/lib/dpkg/status", "x".repeat(10_000_000))), Map.of());
        ScanReport r = engine().securityScan(List.of(ref("binary:1"), ref("oneline:1")));
        assertThat(r.images()).allSatisfy(i -> assertThat(i.error()).hasValueSatisfying(e -> assertThat(e).contains("not a dpkg database")));
        assertThat(r.updatesPending()).isFalse();
        assertThat(r.failed()).isTrue();
    }
}
