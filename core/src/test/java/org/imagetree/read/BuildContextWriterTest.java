package org.imagetree.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import org.imagetree.InputError;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildContextWriterTest {
    @TempDir Path tmp;
    Path repo;
    Path img;
    Path out;

    @BeforeEach
    void tree() throws IOException {
        repo = tmp.resolve("repo");
        img = repo.resolve("images/app");
        out = tmp.resolve("context");
        TestFiles.write(repo.resolve("images/common/shared.sh"), "#!/bin/sh\necho shared\n");
        Files.setPosixFilePermissions(repo.resolve("images/common/shared.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        TestFiles.write(repo.resolve("images/common/conf/a.conf"), "a\n");
        TestFiles.write(repo.resolve("images/common/conf/sub/b.conf"), "b\n");
        TestFiles.write(img.resolve("Dockerfile.template"), "FROM {{ 'x' | image_tag }}\n");
        TestFiles.write(img.resolve("changelog"), "app (1.0) wikimedia; urgency=medium\n");
        TestFiles.write(img.resolve("Dockerfile"), "stale, must be replaced\n");
        TestFiles.write(img.resolve("test.sh"), "#!/bin/bash\nexit 0\n");
        Files.setPosixFilePermissions(img.resolve("test.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        TestFiles.write(img.resolve(".dockerignore"),
                "# generated files\ntest\n**/*.tmp\n!keep.tmp\nlogs\n!logs/important.log\nDockerfile\n.dockerignore\n");
        for (String f : List.of("x.tmp", "keep.tmp", "deep/er/y.tmp", "deep/er/z.txt", "logs/a.log",
                "logs/important.log", "test/fixture")) {
            TestFiles.write(img.resolve(f), f + "\n");
        }
        Files.createSymbolicLink(img.resolve("entrypoint.sh"), Path.of("../common/shared.sh"));
        Files.createSymbolicLink(img.resolve("conf"), Path.of("../common/conf"));
    }

    @Test
    void copiesDereferencingLinksAppliesDockerignoreAndKeepsModes() throws IOException {
        Path result = BuildContextWriter.assemble(img, out, "FROM scratch\n");

        assertThat(result).isEqualTo(out);
        assertThat(listing(out)).containsExactly(
                ".dockerignore", "Dockerfile", "Dockerfile.template", "changelog", "conf/", "conf/a.conf", "conf/sub/",
                "conf/sub/b.conf", "deep/", "deep/er/", "deep/er/z.txt", "entrypoint.sh", "keep.tmp",
                "logs/", "logs/important.log", "test.sh");
        assertThat(TestFiles.read(out.resolve("Dockerfile"))).isEqualTo("FROM scratch\n");
        assertThat(Files.isSymbolicLink(out.resolve("entrypoint.sh"))).isFalse();
        assertThat(TestFiles.read(out.resolve("entrypoint.sh"))).isEqualTo("#!/bin/sh\necho shared\n");
        assertThat(Files.isSymbolicLink(out.resolve("conf"))).isFalse();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("test.sh")))).isEqualTo("rwxr-xr-x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("entrypoint.sh"))))
                .isEqualTo("rwxr-x---");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("changelog"))))
                .isEqualTo(PosixFilePermissions.toString(Files.getPosixFilePermissions(img.resolve("changelog"))));
    }

    @Test
    void withoutDockerignoreEverythingIsCopied() throws IOException {
        Files.delete(img.resolve(".dockerignore"));
        BuildContextWriter.assemble(img, out, "FROM scratch\n");
        assertThat(listing(out)).contains("test/fixture", "x.tmp", "logs/a.log", "deep/er/y.tmp");
    }

    @Test
    void linkToAnAncestorDirectoryIsALoop() throws IOException {
        Files.createSymbolicLink(img.resolve("deep/up"), Path.of(".."));
        assertThatThrownBy(() -> BuildContextWriter.assemble(img, out, "")).isInstanceOf(InputError.class)
                .hasMessageStartingWith(img.resolve("deep/up") + ": symlink loop");
    }

    @Test
    void linkCycleIsALoop() throws IOException {
        Files.createSymbolicLink(img.resolve("a"), Path.of("b"));
        Files.createSymbolicLink(img.resolve("b"), Path.of("a"));
        assertThatThrownBy(() -> BuildContextWriter.assemble(img, out, "")).isInstanceOf(InputError.class)
                .hasMessage(img.resolve("a") + ": symlink loop: b");
    }

    @Test
    void brokenLinkIsAnError() throws IOException {
        Files.createSymbolicLink(img.resolve("gone"), Path.of("../nowhere"));
        assertThatThrownBy(() -> BuildContextWriter.assemble(img, out, "")).isInstanceOf(InputError.class)
                .hasMessage(img.resolve("gone") + ": broken symlink to ../nowhere");
    }

    @Test
    void excludedBrokenLinkIsNotFollowed() throws IOException {
        Files.createSymbolicLink(img.resolve("test/gone"), Path.of("../nowhere"));
        BuildContextWriter.assemble(img, out, "");
        assertThat(listing(out)).doesNotContain("test/gone");
    }

    @Test
    void boundaryRejectsLinksLeavingTheRepository() throws IOException {
        TestFiles.write(tmp.resolve("secret"), "s\n");
        Files.createSymbolicLink(img.resolve("secret"), tmp.resolve("secret"));
        assertThatThrownBy(() -> BuildContextWriter.assemble(img, out, "", repo)).isInstanceOf(InputError.class)
                .hasMessageStartingWith(img.resolve("secret") + ": symlink points outside ");
        Path out2 = tmp.resolve("context2");
        BuildContextWriter.assemble(img, out2, "", null);
        assertThat(out2.resolve("secret")).hasContent("s");
    }

    @Test
    void badDockerignoreIsReportedWithLine() {
        TestFiles.write(img.resolve(".dockerignore"), "ok\n[\n");
        assertThatThrownBy(() -> BuildContextWriter.assemble(img, out, "")).isInstanceOf(InputError.class)
                .hasMessage(img.resolve(".dockerignore") + ":2: invalid pattern '[': malformed character class");
    }

    private static List<String> listing(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !p.equals(root))
                    .map(p -> root.relativize(p) + (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "/" : ""))
                    .sorted().toList();
        }
    }
}
