package org.imagetree.read;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChangelogAuthorTest {
    @TempDir Path tmp;

    @Test
    void environmentWins() {
        assertThat(ChangelogAuthor.resolve(Map.of("DEBFULLNAME", "Jane Doe", "DEBEMAIL", "jane@example.org"),
                tmp, "Author", "email@domain")).isEqualTo("Jane Doe <jane@example.org>");
    }

    @Test
    void gitConfigOfTheRepositoryIsUsedWhenTheEnvironmentHasNoValue() throws Exception {
        git("init", "-q");
        git("config", "user.name", "Git Person");
        git("config", "user.email", "git@example.org");
        assertThat(ChangelogAuthor.resolve(Map.of(), tmp, "Author", "email@domain"))
                .isEqualTo("Git Person <git@example.org>");
        assertThat(ChangelogAuthor.resolve(Map.of("DEBEMAIL", "env@example.org"), tmp, "Author", "email@domain"))
                .isEqualTo("Git Person <env@example.org>");
    }

    @Test
    void fallbacksWhenGitCannotAnswer() {
        Path missing = tmp.resolve("no-such-dir");
        assertThat(ChangelogAuthor.resolve(Map.of(), missing, "Author", "email@domain"))
                .isEqualTo("Author <email@domain>");
        assertThat(ChangelogAuthor.resolve(Map.of("DEBFULLNAME", "Jane"), missing, "Author", "email@domain"))
                .isEqualTo("Jane <email@domain>");
    }

    @Test
    void unsetGitKeyIsEmpty() throws Exception {
        git("init", "-q");
        assertThat(ChangelogAuthor.gitConfig(tmp, "imagetree.no-such-key")).isEmpty();
    }

    private void git(String... args) throws IOException, InterruptedException {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "git";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).inheritIO().start();
        assertThat(p.waitFor()).isZero();
    }
}
