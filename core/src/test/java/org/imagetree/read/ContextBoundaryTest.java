package org.imagetree.read;

import org.imagetree.InputError;
import org.imagetree.config.ConfigLoader;
import org.imagetree.lint.LintProblem;
import org.imagetree.lint.TreeLinter;
import org.imagetree.model.ImageTreeLoader;
import org.imagetree.testing.SmallTree;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The build context boundary without git: the tree directory is the root; links leaving it are refused by the scan (so
 * by every command that loads a tree) and by the context writer, and listed by lint; their targets are never read.
 */
class ContextBoundaryTest {
    private static final String SECRET = "secret-" + UUID.randomUUID();
    @TempDir Path tmp;
    Path images;
    Path host;

    @BeforeEach
    void setUp() throws IOException {
        host = Files.createDirectories(tmp.resolve("host"));
        Files.writeString(host.resolve("shadow"), SECRET + "\n");
        images = tmp.resolve("images");
        SmallTree.at(images).image("app", "1.0", "FROM docker-registry.example.org/bookworm\nCOPY . /app\n", null);
        Files.createDirectories(images.resolve("shared"));
        Files.writeString(images.resolve("shared/motd"), "shared\n");
        Files.createSymbolicLink(images.resolve("app/motd"), Path.of("../shared/motd"));
        Files.createSymbolicLink(images.resolve("app/lib"), Path.of("../shared"));
        assertThat(tmp.resolve(".git")).doesNotExist();
    }

    private ImageTreeLoader.LoadedTree load() {
        return new ImageTreeLoader(ConfigLoader.fromMap(Map.of("registry", "docker-registry.example.org")), 2).load(images, "");
    }

    private Throwable loadFailure() {
        return catchThrowable(this::load);
    }

    @Test
    void linksInsideTheTreeWorkAndAreCopiedAsTheirTargets() {
        ImageTreeLoader.LoadedTree t = load();
        assertThat(t.tree().get("app").definition().contextRoot()).isEqualTo(images);
        Path out = tmp.resolve("context");
        BuildContextWriter.assemble(images.resolve("app"), out, "FROM x\n", images);
        assertThat(out.resolve("motd")).hasContent("shared");
        assertThat(out.resolve("lib/motd")).hasContent("shared");
    }

    @Test
    void aLinkToAHostFileIsRefusedNamingTheLinkNotTheContent() throws IOException {
        Files.createSymbolicLink(images.resolve("app/leak"), host.resolve("shadow"));
        Throwable t = loadFailure();
        assertThat(t).isInstanceOf(InputError.class)
                .hasMessage(images.resolve("app/leak") + ": symlink points outside the build context (-> " + host.resolve("shadow") + ")");
        assertThat(t.getMessage()).doesNotContain(SECRET);
        assertThatThrownBy(() -> BuildContextWriter.assemble(images.resolve("app"), tmp.resolve("context"), "", images))
                .hasMessage(images.resolve("app/leak") + ": symlink points outside the build context (-> " + host.resolve("shadow") + ")");
    }

    @Test
    void relativeLinksDirectoryLinksAndBrokenLinksLeavingTheTreeAreRefused() throws IOException {
        Files.createSymbolicLink(images.resolve("app/dir"), Path.of("../../host"));
        assertThat(loadFailure()).hasMessage(images.resolve("app/dir") + ": symlink points outside the build context (-> ../../host)");
        Files.delete(images.resolve("app/dir"));
        Files.createSymbolicLink(images.resolve("app/gone"), Path.of("/nonexistent-" + UUID.randomUUID()));
        assertThat(loadFailure()).hasMessageContaining(images.resolve("app/gone") + ": symlink points outside the build context (-> /nonexistent-");
        Files.delete(images.resolve("app/gone"));
        // A link inside the tree to a directory holding a link out of it.
        Files.createSymbolicLink(images.resolve("shared/out"), host.resolve("shadow"));
        assertThat(loadFailure()).hasMessage(images.resolve("app/lib/out") + ": symlink points outside the build context (-> "
                + host.resolve("shadow") + ")");
    }

    @Test
    void linkedDefinitionFilesAreRefusedBeforeTheyAreRead() throws IOException {
        for (String name : List.of("Dockerfile.template", "changelog", "control", ".dockerignore")) {
            Path file = images.resolve("app").resolve(name);
            Files.deleteIfExists(file);
            Files.createSymbolicLink(file, host.resolve("shadow"));
            Throwable t = loadFailure();
            assertThat(t).as(name).isInstanceOf(InputError.class)
                    .hasMessage(file + ": symlink points outside the build context (-> " + host.resolve("shadow") + ")");
            assertThat(t.getMessage()).doesNotContain(SECRET);
            Files.delete(file);
            if (name.equals("Dockerfile.template")) Files.writeString(file, "FROM docker-registry.example.org/bookworm\n");
            if (name.equals("changelog")) SmallTree.at(images).image("app", "1.0", "FROM docker-registry.example.org/bookworm\n", null);
        }
        assertThat(load().tree().contains("app")).isTrue();
    }

    @Test
    void aLinkTheDockerignoreExcludesIsNotSentSoNotRefused() throws IOException {
        Files.createSymbolicLink(images.resolve("app/venv-python"), Path.of("/usr/bin/env"));
        Files.writeString(images.resolve("app/.dockerignore"), "venv-python\n");
        load();
        Path out = tmp.resolve("context");
        BuildContextWriter.assemble(images.resolve("app"), out, "", images);
        assertThat(out.resolve("venv-python")).doesNotExist();
    }

    @Test
    void lintListsEveryLeavingLinkAndGoesOn() throws IOException {
        Files.createSymbolicLink(images.resolve("app/leak"), host.resolve("shadow"));
        SmallTree.at(images).image("other", "1.0", "", null);
        Files.delete(images.resolve("other/changelog"));
        Files.createSymbolicLink(images.resolve("other/changelog"), host.resolve("shadow"));
        SmallTree.at(images).image("fine", "1.0", "FROM debian\n", null);
        List<LintProblem> problems = new TreeLinter(ConfigLoader.fromMap(Map.of("registry", "docker-registry.example.org")), Map.of())
                .lint(images, Optional.empty());
        assertThat(problems).extracting(LintProblem::toString).containsExactly(
                images.resolve("app/leak") + ": symlink points outside the build context (-> " + host.resolve("shadow") + ")",
                images.resolve("other/changelog") + ": symlink points outside the build context (-> " + host.resolve("shadow") + ")",
                images.resolve("fine/Dockerfile.template") + ":1: image 'debian' is not from an allowed registry: it resolves to"
                        + " 'docker.io/library/debian:latest' (registry 'docker.io'); allowed: docker-registry.example.org");
        assertThat(problems.toString()).doesNotContain(SECRET);
    }
}
