package org.imagetree.execute;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DockerCliTest {

    /** A fake docker that records its arguments and environment, to test what the wrapper passes. */
    private static DockerCli fake(Path dir, String script) throws Exception {
        Path exe = dir.resolve("docker");
        Files.writeString(exe, "#!/bin/sh\n" + script);
        exe.toFile().setExecutable(true);
        return new DockerCli(exe, Map.of("PATH", "/usr/bin:/bin", "SECRET_ONLY_IN_PARENT", "x"));
    }

    @Test
    void buildKitSupportFromClientVersionWhenBuildxIsMissing(@TempDir Path dir) throws Exception {
        assertThat(fake(dir, "[ \"$1\" = buildx ] && exit 1\necho 20.10.24+dfsg1\n").supportsBuildKit()).isTrue();
        assertThat(fake(dir, "[ \"$1\" = buildx ] && exit 1\necho 28.5.1\n").supportsBuildKit()).isFalse();
        assertThat(fake(dir, "[ \"$1\" = buildx ] && exit 0\necho 28.5.1\n").supportsBuildKit()).isTrue();
    }

    @Test
    void buildUsesHostNetworkAndPassesBuildArgValuesOnlyThroughTheEnvironment(@TempDir Path dir) throws Exception {
        Path record = dir.resolve("record");
        DockerCli cli = fake(dir, "echo \"$@\" > " + record + "\necho \"TOKEN=$TOKEN BK=$DOCKER_BUILDKIT SECRET=$SECRET_ONLY_IN_PARENT\" >> " + record
                + "\nwhile [ $# -gt 0 ]; do [ \"$1\" = --iidfile ] && echo sha256:abc > \"$2\"; shift; done\n");
        List<String> out = new ArrayList<>();
        String id = cli.build(new DockerCli.BuildRequest(dir, "FROM scratch\n", List.of("a:b"), Map.of("TOKEN", "s3cret"),
                Map.of("k", "v"), true, "stage", false), out::add);
        assertThat(id).isEqualTo("sha256:abc");
        List<String> lines = Files.readAllLines(record);
        assertThat(lines.get(0)).startsWith("build --network host -f ").contains("--target stage", "-t a:b", "--build-arg TOKEN ", "--label k=v")
                .doesNotContain("s3cret").doesNotContain("--force-rm");
        assertThat(lines.get(1)).isEqualTo("TOKEN=s3cret BK=1 SECRET=x");
    }

    @Test
    void classicBuildsRemoveTheContainersOfFailedSteps(@TempDir Path dir) throws Exception {
        Path record = dir.resolve("record");
        DockerCli cli = fake(dir, "echo \"$@\" > " + record
                + "\nwhile [ $# -gt 0 ]; do [ \"$1\" = --iidfile ] && echo sha256:abc > \"$2\"; shift; done\n");
        cli.build(new DockerCli.BuildRequest(dir, "FROM scratch\n", List.of("a:b"), Map.of(), Map.of(), false, "", false), l -> { });
        assertThat(Files.readAllLines(record).get(0)).contains(" --force-rm ");
    }

    @Test
    void interruptingTheCallerStopsTheCommand(@TempDir Path dir) throws Exception {
        DockerCli cli = fake(dir, "echo started\nexec sleep 60\n");
        List<String> out = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                cli.build(new DockerCli.BuildRequest(dir, "FROM scratch\n", List.of("a:b"), Map.of(), Map.of(), true, "", true), out::add);
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        long t0 = System.nanoTime();
        caller.start();
        while (out.isEmpty() && System.nanoTime() - t0 < 10_000_000_000L) Thread.sleep(20);
        caller.interrupt();
        caller.join(15_000);
        assertThat(caller.isAlive()).isFalse();
        assertThat((System.nanoTime() - t0) / 1_000_000_000.0).isLessThan(15.0);
        assertThat(failure.get()).isInstanceOf(DockerCli.DockerException.class);
        assertThat(((DockerCli.DockerException) failure.get()).result().exitCode()).isEqualTo(DockerCli.INTERRUPTED);
    }

    @Test
    void failuresShowTheCommandWithoutSecretValues(@TempDir Path dir) throws Exception {
        DockerCli cli = fake(dir, "echo boom; exit 1\n");
        assertThatThrownBy(() -> cli.build(new DockerCli.BuildRequest(dir, "FROM scratch\n", List.of(), Map.of("TOKEN", "s3cret"),
                Map.of(), false, "", false), l -> { }))
                .isInstanceOf(DockerCli.DockerException.class).hasMessageContaining("boom").hasMessageNotContaining("s3cret");
    }

    @Test
    void runUsesHostNetworkAndRemovesTheContainer(@TempDir Path dir) throws Exception {
        DockerCli cli = fake(dir, "echo \"$@ V=$V\"; exit 4\n");
        DockerCli.Result r = cli.run("img", List.of("x"), Map.of("V", "val"));
        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(r.output().strip()).isEqualTo("run --rm --network host -e V img x V=val");
    }

    @Test
    void pushReturnsTheDigest(@TempDir Path dir) throws Exception {
        DockerCli cli = fake(dir, "echo \"latest: digest: sha256:" + "a".repeat(64) + " size: 528\"\n");
        assertThat(cli.push("r/x:y", l -> { })).isEqualTo("sha256:" + "a".repeat(64));
    }

    @Test
    @Tag("docker")
    void realClientsOnThisMachine() {
        DockerCli cli = DockerCli.locateWithBuildKit(System.getenv());
        assertThat(cli.supportsBuildKit()).isTrue();
        assertThat(cli.clientVersion()).isNotEmpty();
    }
}
