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
    void anUnknownRevisionIsAnInputErrorWithAReason() {
        assertThatThrownBy(() -> lint(Optional.of("no-such-branch"))).isInstanceOf(InputError.class)
                .hasMessageContaining("--against 'no-such-branch': not a commit of the git repository at ")
                .hasMessageContaining("(git: Needed a single revision)");
    }

    /** What a build would fail on or skip: lint errors; what a build orders anyway: warnings (check only). */
    @Test
    void missingDependencyAndTemplateWithoutChangelogAreErrorsUndeclaredUseAWarning() throws IOException {
        Files.writeString(images.resolve("standalone/control"), "Source: standalone\n\nPackage: standalone\nDepends: no-such-image\n");
        Path orphan = Files.createDirectories(images.resolve("orphan"));
        Files.writeString(orphan.resolve("Dockerfile.template"), "FROM {{ \"tools\" | image_tag }}\n");
        Path notes = Files.createDirectories(images.resolve("notes"));
        Files.writeString(notes.resolve("changelog"), Files.readString(images.resolve("tools/changelog")).replace("tools", "notes"));
        Path worker = images.resolve("worker/Dockerfile.template");
        Files.writeString(worker, Files.readString(worker) + "COPY --from={{ \"standalone\" | image_tag }} /etc/hostname /tmp/\n");

        List<String> errors = lint(Optional.empty()).stream().map(LintProblem::toString).toList();
        assertThat(errors).containsExactlyInAnyOrder(
                images.resolve("orphan/Dockerfile.template") + ": template without a changelog: builds skip this directory"
                        + " (add a changelog to make it an image)",
                images.resolve("standalone/control") + ":4: depends on 'no-such-image', which is neither an image of this tree"
                        + " nor a base image (docker-pkg stops: 'Image no-such-image (dependency of standalone) not found';"
                        + " a build skips standalone unless the registry has it)");
        List<LintProblem> all = new TreeLinter(config, env).check(images, Optional.empty());
        assertThat(all.stream().filter(LintProblem::isWarning).map(LintProblem::toString)).containsExactlyInAnyOrder(
                images.resolve("notes/changelog") + ": warning: changelog without a Dockerfile.template: not an image, builds skip this directory",
                images.resolve("worker/Dockerfile.template") + ":5: warning: uses in-tree image 'standalone' that control does not declare;"
                        + " it is built first anyway");
    }

    /**
     * Wikimedia's production-images: no errors; the undeclared in-tree dependencies plan warns about are warnings,
     * one per image and used image, the same as the loader's.
     */
    @Test
    void theRealTreeHasNoErrorsAndWarnsAboutEveryUndeclaredDependency() {
        Path real = TestEnvironment.shared().resolve("conformance/production-images");
        EngineConfig wmf = ConfigLoader.load(Optional.of(real.resolve("config.yaml")), Map.of());
        List<LintProblem> all = new TreeLinter(wmf, env).check(real.resolve("images"), Optional.empty());
        assertThat(all.stream().filter(p -> !p.isWarning())).isEmpty();
        List<String> loaderWarnings = new org.imagetree.model.ImageTreeLoader(wmf, 2).load(real.resolve("images"), "").warnings()
                .stream().filter(w -> w.contains("that control does not declare")).toList();
        assertThat(loaderWarnings).isNotEmpty();
        assertThat(all).allMatch(LintProblem::isWarning).hasSize(loaderWarnings.size())
                .allSatisfy(p -> assertThat(p.message()).contains("that control does not declare"));
    }
}
