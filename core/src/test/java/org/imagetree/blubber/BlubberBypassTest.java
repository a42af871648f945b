package org.imagetree.blubber;

import org.imagetree.InputError;
import org.imagetree.blubber.compile.CompileOptions;
import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.imagetree.execute.ContainerEngine;
import org.imagetree.execute.DockerCli;
import org.imagetree.registry.RegistryClient;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Issue 12 for Blubber, with real builds through the classic builder and BuildKit: {@code copies} from an image of a
 * foreign registry, a symlink in the build context to a host file outside it, and a blubber.yaml linked from outside
 * the context are refused before anything is built, pulled or published; afterwards our registry holds nothing and the
 * foreign registry was not asked. With the foreign registry allowed the same copy builds and publishes.
 */
@Tag("docker")
class BlubberBypassTest {
    private static final String SECRET = "host-secret-" + UUID.randomUUID();

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = CompileOptions.Flavour.class, names = {"CLASSIC", "BUILDKIT"})
    void everyBypassIsRefusedBeforeAnythingIsPulledOrPublished(CompileOptions.Flavour flavour, @TempDir Path tmp) throws Exception {
        String base = TestEnvironment.baseImage();
        String run = flavour.name().toLowerCase() + "-" + UUID.randomUUID().toString().substring(0, 8);
        Path host = Files.createDirectories(tmp.resolve("host"));
        Files.writeString(host.resolve("secret.txt"), SECRET + "\n");
        Files.writeString(host.resolve("blubber.yaml"), "version: v4\n" + SECRET + ": [\n");
        DockerCli cli = DockerCli.locateWithBuildKit(System.getenv());
        try (LocalRegistry ours = LocalRegistry.start(); LocalRegistry foreign = LocalRegistry.startLoggingRequests();
             ContainerEngine docker = TestEnvironment.engine()) {
            String evil = foreign.host() + "/evil/blubber-" + run + ":1";
            docker.tag(base, evil);
            docker.push(evil, Optional.empty(), l -> { });
            docker.remove(evil);
            String repository = "/v2/evil/blubber-" + run + "/";
            long seeded = requests(foreign, repository);
            String tag = ours.host() + "/blubber-bypass-" + run + ":1";
            EngineConfig config = ConfigLoader.fromMap(Map.of("registry", ours.host()));
            VariantEngine strict = VariantEngine.forConfig(Optional.of(config), cli, docker);
            CompileOptions options = CompileOptions.defaults().withFlavour(flavour);

            // copies from an image of a foreign registry
            Path copies = Files.createDirectories(tmp.resolve("copies"));
            Files.writeString(copies.resolve("blubber.yaml"), """
                    version: v4
                    variants:
                      production:
                        copies:
                          - from: %s
                            source: /etc/os-release
                            destination: /os-release
                    """.formatted(evil));
            // a symlink in the context to a host file
            Path leak = Files.createDirectories(tmp.resolve("leak"));
            Files.writeString(leak.resolve("blubber.yaml"), """
                    version: v4
                    variants:
                      production:
                        copies: [{from: local, source: leak, destination: /leak}]
                    """);
            Files.createSymbolicLink(leak.resolve("leak"), host.resolve("secret.txt"));
            // blubber.yaml itself linked from outside the context
            Path linked = Files.createDirectories(tmp.resolve("linked"));
            Files.createSymbolicLink(linked.resolve("blubber.yaml"), host.resolve("blubber.yaml"));

            record Case(Path file, String expected) {}
            List<Case> cases = List.of(
                    new Case(copies.resolve("blubber.yaml"), copies.resolve("blubber.yaml") + ":5: image '" + evil
                            + "' is not from an allowed registry"),
                    new Case(leak.resolve("blubber.yaml"), leak.resolve("leak") + ": symlink points outside the build context (-> "
                            + host.resolve("secret.txt") + ")"),
                    new Case(linked.resolve("blubber.yaml"), linked.resolve("blubber.yaml") + ": symlink points outside the build context (-> "
                            + host.resolve("blubber.yaml") + ")"));
            for (Case c : cases) {
                List<String> log = new ArrayList<>();
                Throwable t = catchThrowable(() -> new VariantBuild(strict, log::add).run(new VariantBuild.Request(c.file(), "production",
                        null, List.of(tag), Map.of(), null, true, options)));
                assertThat(t).as(c.expected()).isInstanceOf(InputError.class);
                assertThat(t.getMessage()).contains(c.expected()).doesNotContain(SECRET);
                assertThat(log).as("nothing was built").isEmpty();
                assertThat(docker.inspect(tag)).isEmpty();
                assertThat(RegistryClient.builder(config).build().catalog(ours.host())).as("nothing published").hasValue(Set.of());
                assertThat(requests(foreign, repository)).as("the foreign registry was not asked").isEqualTo(seeded);
            }

            // With the foreign registry allowed, the same copy builds and is published.
            EngineConfig open = ConfigLoader.fromMap(Map.of("registry", ours.host(), "allowed_registries", List.of(ours.host(), foreign.host())));
            try {
                VariantBuild.Result r = new VariantBuild(VariantEngine.forConfig(Optional.of(open), cli, docker), l -> { })
                        .run(new VariantBuild.Request(copies.resolve("blubber.yaml"), "production", null, List.of(tag), Map.of(), null, true, options));
                assertThat(r.buildKit()).isEqualTo(flavour == CompileOptions.Flavour.BUILDKIT);
                assertThat(r.references().get(0).digest()).startsWith("sha256:");
                assertThat(RegistryClient.builder(open).build().catalog(ours.host())).hasValue(Set.of("blubber-bypass-" + run));
                assertThat(requests(foreign, repository)).as("the build pulled from the foreign registry").isGreaterThan(seeded);
            } finally {
                docker.remove(tag);
                docker.remove(evil);
            }
        }
    }

    private static long requests(LocalRegistry registry, String path) {
        return registry.log().lines().filter(l -> l.contains(path)).count();
    }
}
