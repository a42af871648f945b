package org.imagetree.lint;

import org.imagetree.InputError;
import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The lint gate over a real git repository holding a copy of the example tree. */
class TreeLinterTest {
    @TempDir Path work;
    Path images;
    Map<String, String> env;
    EngineConfig config;

    @BeforeEach
    void setUp() throws IOException {
        TestEnvironment.copyTree(TestEnvironment.repo().resolve("examples/tree"), work);
        images = work.resolve("images");
        env = new HashMap<>(System.getenv());
        env.putAll(Map.of("GIT_AUTHOR_NAME", "Test", "GIT_AUTHOR_EMAIL", "t@example.org",
                "GIT_COMMITTER_NAME", "Test", "GIT_COMMITTER_EMAIL", "t@example.org"));
        config = ConfigLoader.load(Optional.of(work.resolve("config.yaml")), Map.of());
        git("init", "-q", "-b", "main");
        git("add", "-A");
        git("commit", "-q", "-m", "initial");
    }

    private void git(String... args) {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "git";
        cmd[1] = "-C";
        cmd[2] = work.toString();
        System.arraycopy(args, 0, cmd, 3, args.length);
        TestEnvironment.run(env, cmd);
    }

    private List<LintProblem> lint(Optional<String> against) {
        return new TreeLinter(config, env).lint(images, against);
    }

    @Test
    void theExampleTreeIsClean() {
        assertThat(lint(Optional.of("HEAD"))).isEmpty();
    }

    @Test
    void reportsEveryProblemWithFileAndLine() throws IOException {
        // A changelog that does not parse, a template that does not render, a FROM outside the allowed registries.
        Files.writeString(images.resolve("standalone/changelog"), "this is not a changelog\n");
        Path web = images.resolve("web/Dockerfile.template");
        Files.writeString(web, Files.readString(web) + "RUN echo {{ no_such_variable }}\n");
        Path worker = images.resolve("worker/Dockerfile.template");
        Files.writeString(worker, "# comment\nFROM docker.io/library/debian:bookworm\nRUN true\n");

        List<String> problems = lint(Optional.empty()).stream().map(LintProblem::toString).toList();

        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith(images.resolve("standalone/changelog") + ":"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith(web + ":").contains("no_such_variable"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith(worker + ":2: image 'docker.io/library/debian:bookworm'")
                .contains("not from an allowed registry"));
        assertThat(problems).hasSize(3);
    }

    @Test
    void reportsACycle() throws IOException {
        Files.writeString(images.resolve("tools/control"), "Source: tools\n\nPackage: tools\nDepends: web\n");
        List<LintProblem> problems = lint(Optional.empty());
        assertThat(problems).singleElement().satisfies(p -> assertThat(p.message()).contains("dependency cycle"));
    }

    @Test
    void aChangedImageWithoutANewerVersionIsAProblemAndABumpFixesIt() throws IOException {
        Path web = images.resolve("web/Dockerfile.template");
        Files.writeString(web, Files.readString(web) + "RUN echo changed\n");
        Path newImage = images.resolve("fresh");
        Files.createDirectories(newImage);
        Files.writeString(newImage.resolve("Dockerfile.template"), "FROM {{ \"tools\" | image_tag }}\n");
        Files.writeString(newImage.resolve("changelog"), "fresh (0.1.0) wikimedia; urgency=medium\n\n  * New.\n\n"
                + " -- Test <t@example.org>  Mon, 02 Nov 2026 10:00:00 +0000\n");

        List<LintProblem> problems = lint(Optional.of("HEAD"));
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(images.resolve("web/changelog").toString());
            assertThat(p.line()).isEqualTo(1);
            assertThat(p.message()).contains("'web' changed since HEAD", "0.3.0 is not newer than 0.3.0");
        });

        Path changelog = images.resolve("web/changelog");
        Files.writeString(changelog, "web (0.3.1) wikimedia; urgency=medium\n\n  * Changed.\n\n"
                + " -- Test <t@example.org>  Tue, 03 Nov 2026 10:00:00 +0000\n\n" + Files.readString(changelog));
        assertThat(lint(Optional.of("HEAD"))).isEmpty();
    }

    @Test
    void anUnknownRevisionIsAnInputError() {
        assertThatThrownBy(() -> lint(Optional.of("no-such-branch"))).isInstanceOf(InputError.class).hasMessageContaining("no-such-branch");
    }
}
