package org.imagetree.base;

import org.imagetree.InputError;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Input checks and the quick snapshot probe (the real builds are in BaseImageTreeTest). */
class DebuerreotypeBuilderTest {
    @Test
    void anUnansweringSnapshotArchiveIsDetectedWithinTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            // Accepts connections (backlog) but never answers: the probe must give up after its timeout.
            DebuerreotypeBuilder b = new DebuerreotypeBuilder(Map.of(), URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/"),
                    Duration.ofMillis(500));
            long t0 = System.nanoTime();
            assertThat(b.snapshotReachable()).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        }
        DebuerreotypeBuilder refused = new DebuerreotypeBuilder(Map.of(), URI.create("http://127.0.0.1:1/"), Duration.ofMillis(500));
        assertThat(refused.snapshotReachable()).isFalse();
    }

    @Test
    void badRequestsAreInputErrors() {
        assertThatThrownBy(() -> DebuerreotypeBuilder.Request.of("Bookworm; rm -rf /")).isInstanceOf(InputError.class)
                .hasMessageContaining("invalid Debian suite");
        assertThatThrownBy(() -> new DebuerreotypeBuilder.Request("bookworm", Optional.of("yesterday"), DebuerreotypeBuilder.DEFAULT_MIRROR,
                Optional.empty(), Optional.empty(), Optional.empty())).isInstanceOf(InputError.class).hasMessageContaining("--timestamp");
        assertThatThrownBy(() -> new DebuerreotypeBuilder.Request("bookworm", Optional.empty(), "ftp://example.org/debian",
                Optional.empty(), Optional.empty(), Optional.empty())).isInstanceOf(InputError.class).hasMessageContaining("--mirror");
        assertThatThrownBy(() -> new DebuerreotypeBuilder.Request("bookworm", Optional.of("2025-01-01T00:00:00Z"), DebuerreotypeBuilder.DEFAULT_MIRROR,
                Optional.of(Path.of("/nonexistent/bookworm.sources.list")), Optional.empty(), Optional.empty()))
                .isInstanceOf(InputError.class).hasMessageContaining("/nonexistent/bookworm.sources.list");
        assertThat(new DebuerreotypeBuilder.Request("bookworm", Optional.of("@1735689600"), DebuerreotypeBuilder.DEFAULT_MIRROR,
                Optional.empty(), Optional.empty(), Optional.empty()).timestamp()).contains("@1735689600");
    }
}
