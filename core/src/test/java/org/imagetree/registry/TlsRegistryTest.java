package org.imagetree.registry;

import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.imagetree.model.ImageReference;
import org.imagetree.model.ImageTreeLoader;
import org.imagetree.plan.Action;
import org.imagetree.plan.BuildPlan;
import org.imagetree.plan.PlanOptions;
import org.imagetree.plan.Planner;
import org.imagetree.testing.ImageDefinitions;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.TestCertificates;
import org.imagetree.testing.TinyImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A real Distribution registry on loopback serving TLS with a self-signed certificate: the client reaches it over
 * HTTPS when Docker's {@code certs.d/<host:port>/ca.crt} names its CA and negotiates HTTP/2; a small plan's existence
 * checks share one HTTP/2 connection, a large plan's are pipelined over a few HTTP/1.1 connections.
 */
class TlsRegistryTest {
    static LocalRegistry registry;
    @TempDir static Path certs;

    @BeforeAll
    static void start() throws IOException {
        registry = LocalRegistry.startTlsLoggingRequests();
        registry.trustIn(certs);
    }

    @AfterAll
    static void stop() { registry.close(); }

    private static RegistryClient client() { return RegistryClient.builder().certsDirectory(certs).build(); }

    @Test
    void aLoopbackRegistryWithCertificatesIsReachedOverHttp2() {
        RegistryClient client = client();
        assertThat(client.usesPlainHttp(registry.host())).isFalse();
        assertThat(client.protocol(registry.host())).isEmpty();
        ImageReference ref = ImageReference.parse(registry.host() + "/tls/hello:1.0");
        String digest = TinyImage.docker("tls").pushTo(client, ref);

        assertThat(client.headManifest(ref)).get().extracting(ManifestDescriptor::digest).isEqualTo(digest);
        assertThat(client.getManifest(ref)).isPresent();
        assertThat(client.protocol(registry.host())).contains(HttpClient.Version.HTTP_2);
        assertThat(client.multiplexes(registry.host())).isTrue();
        // Another loopback registry without certificates stays plain HTTP, as before.
        assertThat(client.usesPlainHttp("127.0.0.1:1")).isTrue();
    }

    @Test
    void withoutItsCertificatesALoopbackRegistryIsAskedOverPlainHttpAndAnswersAnError() {
        RegistryClient plain = RegistryClient.builder().build();
        assertThat(plain.usesPlainHttp(registry.host())).isTrue();
        assertThatThrownBy(() -> plain.headManifest(ImageReference.parse(registry.host() + "/tls/hello:1.0")))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("HTTP 400");
        assertThat(plain.multiplexes(registry.host())).isFalse();
    }

    @Test
    void aCertificateThatDoesNotChainToTheRegistrysCasIsRefusedAtOnce(@TempDir Path other) throws Exception {
        TestCertificates.Pair stranger = TestCertificates.rsa(other);
        Path dir = Files.createDirectories(other.resolve("certs.d").resolve(registry.host()));
        Files.copy(stranger.certificate(), dir.resolve("ca.crt"));
        RegistryClient client = RegistryClient.builder().certsDirectory(other.resolve("certs.d")).build();

        assertThatThrownBy(() -> client.headManifest(ImageReference.parse(registry.host() + "/tls/hello:1.0")))
                .isInstanceOf(RegistryException.class)
                .satisfies(e -> assertThat(e.getMessage().toLowerCase(Locale.ROOT)).containsAnyOf("certificat", "pkix", "ssl", "handshake"));
        assertThat(client.requestCount()).as("a TLS failure is not retried").isEqualTo(1);
    }

    @Test
    void aServerCertificateNotFromTheRegistrysOwnCasMayChainToWhatTheClientTrustsOtherwise(@TempDir Path other) throws Exception {
        // certs.d names an unrelated CA; the CA bundle (the client's trust besides certs.d) holds the registry's.
        TestCertificates.Pair stranger = TestCertificates.rsa(other);
        Path dir = Files.createDirectories(other.resolve("certs.d").resolve(registry.host()));
        Files.copy(stranger.certificate(), dir.resolve("ca.crt"));
        RegistryClient client = RegistryClient.builder().certsDirectory(other.resolve("certs.d"))
                .caBundle(registry.certificate()).build();
        assertThat(client.headManifest(ImageReference.parse(registry.host() + "/tls/fallback:1.0"))).isEmpty();
        assertThat(client.protocol(registry.host())).contains(HttpClient.Version.HTTP_2);
    }

    @Test
    void aCertificateDirectoryWithoutCertificatesIsNamedInTheError(@TempDir Path other) throws Exception {
        Path dir = Files.createDirectories(other.resolve(registry.host()));
        Files.writeString(dir.resolve("ca.crt"), "not a certificate\n");
        RegistryClient client = RegistryClient.builder().certsDirectory(other).build();
        assertThatThrownBy(() -> client.headManifest(ImageReference.parse(registry.host() + "/tls/hello:1.0")))
                .hasMessageContaining(dir.resolve("ca.crt").toString());
    }

    @Test
    void theConfigsCertsDirIsUsed(@TempDir Path dir) {
        EngineConfig config = ConfigLoader.fromMap(Map.of("registry", registry.host(), "certs_dir", certs.toString()));
        RegistryClient client = RegistryClient.builder(config).build();
        assertThat(client.options().certsDirectory()).isEqualTo(certs);
        assertThat(client.usesPlainHttp(registry.host())).isFalse();
        assertThat(RegistryClient.builder(ConfigLoader.fromMap(Map.of("registry", registry.host()))).build().options().certsDirectory())
                .isEqualTo(Path.of(RegistryClient.DOCKER_CERTS_DIRECTORY));
    }

    @Test
    void aRegistryListedAsInsecureStaysPlainHttpEvenWithCertificates() {
        RegistryClient client = RegistryClient.builder().certsDirectory(certs).insecureRegistries(List.of(registry.host())).build();
        assertThat(client.usesPlainHttp(registry.host())).isTrue();
        RegistryClient byHost = RegistryClient.builder().certsDirectory(certs).insecureRegistries(List.of("127.0.0.1")).build();
        assertThat(byHost.usesPlainHttp(registry.host())).isTrue();
    }

    @Test
    void aSmallPlansChecksShareOneHttp2Connection(@TempDir Path dir) throws IOException {
        int n = 3; // 6 references: under Planner.PROBE_THRESHOLD, asked one by one through the HTTP client
        EngineConfig config = treeWithEvenImagesPublished(dir, "small", n, client());
        RegistryClient client = client();
        // Connections that exist before (the pusher's, which may close at any time) are left out by their local port.
        Set<String> before = establishedConnectionSetTo(registry.port());
        ImageTreeLoader.LoadedTree tree = new ImageTreeLoader(config, 2).load(dir, "");

        BuildPlan plan = new Planner(config, client, null, 8).plan(tree, PlanOptions.defaults());

        for (int i = 0; i < n; i++) {
            assertThat(plan.get("small" + i).action()).as("small" + i).isEqualTo(i % 2 == 0 ? Action.NONE : Action.BUILD);
        }
        assertThat(client.requestCount()).as("one HEAD per label and one per latest tag").isEqualTo(2 * n);
        assertThat(client.multiplexes(registry.host())).isTrue();
        // Over HTTP/1.1 eight lookups at a time would hold up to eight connections; over HTTP/2 all share one.
        Set<String> opened = new java.util.HashSet<>(establishedConnectionSetTo(registry.port()));
        opened.removeAll(before);
        assertThat(opened).as("connections this plan opened").hasSize(1);
    }

    @Test
    void aLargePlansChecksArePipelinedOverAFewConnectionsThatAreClosedAfterwards(@TempDir Path dir) throws IOException {
        int n = 80; // 160 references: pipelined (ManifestProbe), more than one connection's share
        RegistryClient pusher = client();
        EngineConfig config = treeWithEvenImagesPublished(dir, "img", n, pusher);
        RegistryClient client = client();
        long before = establishedConnectionsTo(registry.port());
        int logged = registry.log().split("\n").length;
        ImageTreeLoader.LoadedTree tree = new ImageTreeLoader(config, 2).load(dir, "");

        BuildPlan plan = new Planner(config, client, null, 8).plan(tree, PlanOptions.defaults());

        assertThat(client.requestCount()).as("one HEAD per label and one per latest tag").isEqualTo(2 * n);
        assertThat(client.protocol(registry.host())).as("the HTTP client was not needed").isEmpty();
        assertThat(establishedConnectionsTo(registry.port()) - before).as("the probe's connections are closed").isLessThanOrEqualTo(0);
        List<String> lines = List.of(registry.log().split("\n"));
        List<String> probed = lines.subList(logged, lines.size()).stream().filter(l -> l.contains("HEAD /v2/img")).toList();
        assertThat(probed).hasSize(2 * n).allMatch(l -> l.contains("HTTP/1.1"));
        for (int i = 0; i < n; i++) {
            assertThat(plan.get("img" + i).action()).as("img" + i).isEqualTo(i % 2 == 0 ? Action.NONE : Action.BUILD);
            if (i % 2 == 0) { // the digest the probe read is the one the registry serves
                assertThat(plan.get("img" + i).digest()).as("img" + i)
                        .isEqualTo(pusher.headManifest(ImageReference.parse(registry.host() + "/img" + i + ":1.0")).orElseThrow().digest());
            }
        }
    }

    @Test
    void aBuildsPlanWarmsTlsUpWhileScanningAndPipelinesEveryCheck(@TempDir Path dir) throws IOException {
        int n = 30;
        for (int i = 0; i < n; i++) ImageDefinitions.write(dir, "early" + i, "2.0", "FROM {{ \"bookworm\" | image_tag }}\n");
        EngineConfig config = ConfigLoader.fromMap(Map.of("registry", registry.host(), "certs_dir", certs.toString(),
                "base_images", List.of(registry.host() + "/bookworm:latest")));
        RegistryClient client = RegistryClient.builder(config).build();
        long before = establishedConnectionsTo(registry.port());

        BuildPlan plan = new org.imagetree.ImageTreeEngine(config, null, client, Map.of(), java.time.Clock.systemUTC())
                .loadAndPlanBuild(dir, org.imagetree.ImageTreeEngine.TagMode.RELEASE, PlanOptions.defaults(), loaded -> { });

        assertThat(plan.work()).hasSize(n);
        assertThat(client.requestCount()).as("the warm-up's HEAD /v2/, then one HEAD per label and one per latest tag")
                .isEqualTo(2 * n + 1);
        assertThat(client.protocol(registry.host())).as("the HTTP client was not needed").isEmpty();
        assertThat(establishedConnectionsTo(registry.port()) - before).isLessThanOrEqualTo(0);
    }

    /**
     * Images {@code prefix0..prefix<n-1>} in {@code dir}, the even ones published (with latest) by {@code pusher};
     * the config of a tree on this registry.
     */
    private static EngineConfig treeWithEvenImagesPublished(Path dir, String prefix, int n, RegistryClient pusher) throws IOException {
        for (int i = 0; i < n; i++) {
            String name = prefix + i;
            ImageDefinitions.write(dir, name, "1.0", "FROM {{ \"bookworm\" | image_tag }}\n");
            if (i % 2 == 0) TinyImage.docker(name).publishTo(pusher, ImageReference.parse(registry.host() + "/" + name + ":1.0"));
        }
        return ConfigLoader.fromMap(Map.of("registry", registry.host(), "base_images", List.of(registry.host() + "/bookworm:latest")));
    }

    /** TCP connections (IPv4 and IPv6 tables: the JVM's sockets are dual-stack) in state ESTABLISHED to {@code port}. */
    /** The local addresses of the established connections to {@code port}. */
    private static Set<String> establishedConnectionSetTo(int port) throws IOException {
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        Set<String> out = new java.util.HashSet<>();
        for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
            Files.readAllLines(Path.of(table)).stream().skip(1)
                    .map(l -> l.trim().split("\\s+"))
                    .filter(f -> f[2].endsWith(hexPort) && f[3].equals("01"))
                    .forEach(f -> out.add(f[1]));
        }
        return out;
    }

    private static long establishedConnectionsTo(int port) throws IOException {
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        long n = 0;
        for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
            n += Files.readAllLines(Path.of(table)).stream().skip(1)
                    .map(l -> l.trim().split("\\s+"))
                    .filter(f -> f[2].endsWith(hexPort) && f[3].equals("01"))
                    .count();
        }
        return n;
    }
}
