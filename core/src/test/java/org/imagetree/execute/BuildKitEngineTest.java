package org.imagetree.execute;

import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Builds through BuildKit for real: host network, every tag, labels, build arguments, no cache, failures. */
@Tag("docker")
class BuildKitEngineTest {
    private static ContainerEngine.BuildRequest request(Path dir, List<String> tags, Map<String, String> args,
                                                        Map<String, String> labels, boolean noCache) {
        return new ContainerEngine.BuildRequest(dir, tags, args, labels, noCache, ContainerEngine.ResourceLimits.NONE);
    }

    @Test
    void buildsOnTheHostNetworkWithTagsLabelsAndBuildArguments(@TempDir Path dir) throws Exception {
        String base = TestEnvironment.baseImage();
        String id = UUID.randomUUID().toString().substring(0, 8);
        String first = "imagetree-test/buildkit-" + id + ":1";
        String second = "imagetree-test/buildkit-" + id + ":latest";
        try (ServerSocket loopback = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             ContainerEngine engine = BuildKitEngine.locating(System.getenv(), TestEnvironment.engine())) {
            AtomicInteger connections = new AtomicInteger();
            Thread accept = new Thread(() -> {
                try {
                    while (true) {
                        try (Socket s = loopback.accept()) {
                            connections.incrementAndGet();
                        }
                    }
                } catch (java.io.IOException closed) {
                    // test over
                }
            });
            accept.setDaemon(true);
            accept.start();
            // Only the host network reaches the test's loopback port; ARG values arrive without being on the command line.
            Files.writeString(dir.resolve("Dockerfile"), "FROM " + base + "\nARG GREETING\n"
                    + "RUN bash -c 'exec 3<>/dev/tcp/127.0.0.1/" + loopback.getLocalPort() + "' && echo \"$GREETING\" > /greeting\n");
            List<String> log = new ArrayList<>();
            try {
                String built = engine.build(request(dir, List.of(first, second), Map.of("GREETING", "hello-" + id),
                        Map.of("org.example.kind", "buildkit"), true), log::add);
                assertThat(built).startsWith("sha256:");
                assertThat(connections.get()).isEqualTo(1);
                assertThat(engine.inspect(first)).hasValueSatisfying(i -> {
                    assertThat(i.id()).isEqualTo(built);
                    assertThat(i.labels()).containsEntry("org.example.kind", "buildkit");
                });
                assertThat(engine.inspect(second).map(ContainerEngine.LocalImage::id)).contains(built);
                assertThat(log).anyMatch(l -> l.contains("DONE"));

                // No cache: the same definition runs its RUN again and makes a new image.
                String again = engine.build(request(dir, List.of(first), Map.of("GREETING", "hello-" + id), Map.of(), true), l -> { });
                assertThat(again).isNotEqualTo(built);
                assertThat(connections.get()).isEqualTo(2);
                // With the cache nothing runs and the image is the same.
                String cached = engine.build(request(dir, List.of(first), Map.of("GREETING", "hello-" + id), Map.of(), false), l -> { });
                assertThat(cached).isEqualTo(again);
                assertThat(connections.get()).isEqualTo(2);
            } finally {
                engine.remove(first);
                engine.remove(second);
            }
        }
    }

    @Test
    void aFailingInstructionAndResourceLimitsFailTheBuild(@TempDir Path dir) throws Exception {
        String base = TestEnvironment.baseImage();
        String tag = "imagetree-test/buildkit-fail-" + UUID.randomUUID().toString().substring(0, 8) + ":1";
        Files.writeString(dir.resolve("Dockerfile"), "FROM " + base + "\nRUN echo failing-step >&2 && exit 3\n");
        try (ContainerEngine engine = BuildKitEngine.locating(System.getenv(), TestEnvironment.engine())) {
            assertThatThrownBy(() -> engine.build(request(dir, List.of(tag), Map.of(), Map.of(), true), l -> { }))
                    .isInstanceOf(EngineException.class).hasMessageContaining("failing-step");
            assertThat(engine.inspect(tag)).isEmpty();
            ContainerEngine.BuildRequest limited = new ContainerEngine.BuildRequest(dir, List.of(tag), Map.of(), Map.of(), true,
                    ContainerEngine.ResourceLimits.parse("memory=100000000"));
            assertThatThrownBy(() -> engine.build(limited, l -> { })).isInstanceOf(EngineException.class)
                    .hasMessageContaining("container_limits");
        }
    }
}
