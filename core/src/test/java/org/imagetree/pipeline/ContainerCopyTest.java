package org.imagetree.pipeline;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.imagetree.pipeline.execute.ContainerCopy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A {@code copy} step's extraction of the Engine API's archive: {@code docker cp}'s rules for where things land, and
 * nothing written outside the repository whatever the archive holds (a container's files are not to be trusted).
 */
class ContainerCopyTest {
    @TempDir Path repo;

    /** A tar as the Engine API gives it: entries named from the copied path's last element. */
    private static InputStream tar(Object... entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
            for (int i = 0; i < entries.length; i += 2) {
                String name = (String) entries[i];
                Object what = entries[i + 1];
                TarArchiveEntry e;
                if (what == null) {
                    e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/");
                    t.putArchiveEntry(e);
                } else if (what instanceof String content && content.startsWith("->")) {
                    e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
                    e.setLinkName(content.substring(2));
                    t.putArchiveEntry(e);
                } else if (what instanceof String content && content.startsWith("=>")) {
                    e = new TarArchiveEntry(name, TarArchiveEntry.LF_LINK);
                    e.setLinkName(content.substring(2));
                    t.putArchiveEntry(e);
                } else {
                    byte[] b = ((String) what).getBytes(StandardCharsets.UTF_8);
                    e = new TarArchiveEntry(name);
                    e.setSize(b.length);
                    e.setMode(0755);
                    t.putArchiveEntry(e);
                    t.write(b);
                }
                t.closeArchiveEntry();
            }
        }
        return new ByteArrayInputStream(out.toByteArray());
    }

    @Test
    void aFileTakesTheDestinationsNameItsParentsMade() throws Exception {
        ContainerCopy.extract(tar("greeting", "hi\n"), "/tmp/foo/greeting", repo.resolve("bar/greeting"), false, repo);
        assertThat(repo.resolve("bar/greeting")).hasContent("hi");
        assertThat(Files.isExecutable(repo.resolve("bar/greeting"))).isTrue();
    }

    @Test
    void intoAnExistingDirectoryUnderItsOwnName() throws Exception {
        Files.createDirectories(repo.resolve("out"));
        ContainerCopy.extract(tar("foo", null, "foo/greeting", "hi\n"), "/tmp/foo", repo.resolve("out"), false, repo);
        assertThat(repo.resolve("out/foo/greeting")).hasContent("hi");
    }

    @Test
    void aDirectoryTakesTheDestinationsNameWhenItDoesNotExist() throws Exception {
        ContainerCopy.extract(tar("foo", null, "foo/greeting", "hi\n", "foo/sub", null, "foo/sub/x", "x"), "/tmp/foo", repo.resolve("bar"), false, repo);
        assertThat(repo.resolve("bar/greeting")).hasContent("hi");
        assertThat(repo.resolve("bar/sub/x")).hasContent("x");
    }

    @Test
    void aTrailingSlashCopiesTheContents() throws Exception {
        Files.createDirectories(repo.resolve("out"));
        ContainerCopy.extract(tar(".", null, "./greeting", "hi\n"), "/tmp/foo/.", repo.resolve("out"), false, repo);
        assertThat(repo.resolve("out/greeting")).hasContent("hi");
        assertThat(repo.resolve("out/foo")).doesNotExist();
    }

    @Test
    void docker_cpsRefusals() throws Exception {
        Files.writeString(repo.resolve("file"), "x");
        assertThatThrownBy(() -> ContainerCopy.extract(tar("foo", null, "foo/a", "a"), "/tmp/foo", repo.resolve("file"), false, repo))
                .hasMessageContaining("cannot copy the directory /tmp/foo to the file");
        assertThatThrownBy(() -> ContainerCopy.extract(tar("a", "a"), "/tmp/a", repo.resolve("missing"), true, repo))
                .hasMessageContaining("the destination directory " + repo.resolve("missing") + " does not exist");
    }

    @Test
    void nothingIsWrittenOutsideTheRepository(@TempDir Path outside) throws Exception {
        assertThatThrownBy(() -> ContainerCopy.extract(tar("../../escape", "x"), "/x", repo.resolve("d"), false, repo))
                .hasMessageContaining("names a parent directory");
        assertThatThrownBy(() -> ContainerCopy.extract(tar("foo", null, "foo/link", "->/etc"), "/foo", repo.resolve("d2"), false, repo))
                .hasMessageContaining("is a symlink to /etc, outside the repository: not copied");
        assertThatThrownBy(() -> ContainerCopy.extract(tar("foo", null, "foo/link", "->../../../.."), "/foo", repo.resolve("d3"), false, repo))
                .hasMessageContaining("outside the repository: not copied");
        assertThatThrownBy(() -> ContainerCopy.extract(tar("foo", null, "foo/hard", "=>/etc/shadow"), "/foo", repo.resolve("d4"), false, repo))
                .hasMessageContaining("is a hard link: not copied");
        // A symlink already in the working directory is not written through.
        Files.createSymbolicLink(repo.resolve("out"), outside);
        assertThatThrownBy(() -> ContainerCopy.extract(tar("greeting", "hi"), "/greeting", repo.resolve("out/greeting"), false, repo))
                .hasMessageContaining("leads outside the repository");
        assertThatThrownBy(() -> ContainerCopy.extract(tar(".", null, "./greeting", "hi"), "/tmp/.", repo.resolve("out"), false, repo))
                .hasMessageContaining("leads outside the repository");
        try (var s = Files.list(outside)) {
            assertThat(s).isEmpty();
        }
        // A link inside the repository is kept as a link.
        ContainerCopy.extract(tar("foo", null, "foo/data", "d", "foo/alias", "->data"), "/foo", repo.resolve("ok"), false, repo);
        assertThat(Files.readSymbolicLink(repo.resolve("ok/alias"))).isEqualTo(Path.of("data"));
    }
}
