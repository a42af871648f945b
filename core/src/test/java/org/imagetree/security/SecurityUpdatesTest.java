package org.imagetree.security;

import org.imagetree.ImageTreeEngine;
import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.imagetree.model.ImageTree;
import org.imagetree.testing.SmallTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The minimal update a scan calls for: own packages bump, inherited ones follow the cascade or name the base image. */
class SecurityUpdatesTest {
    @TempDir Path dir;

    private static ScanReport.Outdated own(String p) { return new ScanReport.Outdated(p, "1.0", "1.1", ScanReport.From.OWN); }

    private static ScanReport.Outdated inherited(String p) { return new ScanReport.Outdated(p, "1.0", "1.1", ScanReport.From.PARENT); }

    private static ScanReport.ImageScan image(String name, List<ScanReport.Outdated> packages) {
        return new ScanReport.ImageScan(name, "1", "r/" + name + ":1", "sha256:x", "bookworm", packages, Optional.empty(), 0);
    }

    @Test
    void ownPackagesBumpTheImageInheritedOnesFollowTheirAncestorOrTheBaseImage() throws Exception {
        SmallTree.at(dir)
                .image("root", "1.0", "FROM registry.example.org/bookworm:20260101\n", null)
                .image("mid", "1.0", "FROM {{ \"root\" | image_tag }}\n", "root")
                .image("leaf", "1.0", "FROM {{ \"mid\" | image_tag }}\n", "mid")
                .image("fresh", "1.0", "FROM {{ \"root\" | image_tag }}\n", "root");
        EngineConfig config = ConfigLoader.fromMap(Map.of("registry", "registry.example.org"));
        ImageTree tree = new ImageTreeEngine(config, null, null, Map.of(), Clock.systemUTC()).load(dir, ImageTreeEngine.TagMode.RELEASE).tree();
        ScanReport scan = new ScanReport(List.of(
                image("root", List.of(inherited("openssl"))),             // from the base image
                image("mid", List.of(inherited("openssl"), own("pkg"))),  // openssl: root's; pkg: its own
                image("leaf", List.of(inherited("openssl"), inherited("pkg"))),
                image("fresh", List.of(inherited("late")))),              // root no longer has it: fresh was not rebuilt
                List.of(), new ScanReport.Stats(0, 0, 0, 0));
        SecurityUpdates.Plan plan = SecurityUpdates.plan(tree, scan);
        assertThat(plan.reasons()).containsOnlyKeys("mid", "fresh");
        assertThat(plan.reasons().get("mid")).isEqualTo("* Security update: pkg 1.0 -> 1.1");
        assertThat(plan.reasons().get("fresh")).startsWith("* Security update: late 1.0 -> 1.1 (rebuild on the updated root)");
        assertThat(plan.bases()).singleElement().satisfies(b -> {
            assertThat(b.base()).isEqualTo("registry.example.org/bookworm:20260101");
            assertThat(b.image()).isEqualTo("root");
            assertThat(b.packages()).extracting(ScanReport.Outdated::name).containsExactly("openssl");
        });

        // Applied: mid and its dependant leaf, and fresh; root is left to the base image rebuild.
        String leafBefore = Files.readString(dir.resolve("leaf/changelog"));
        var bumps = new org.imagetree.update.TreeUpdater(config, Map.of()).updateEach(tree, dir, plan.reasons(), java.time.ZonedDateTime.now());
        assertThat(bumps).extracting(b -> b.name()).containsExactlyInAnyOrder("mid", "leaf", "fresh");
        assertThat(Files.readString(dir.resolve("leaf/changelog"))).endsWith(leafBefore)
                .contains("Refresh for update in parent image mid:", "* Security update: pkg 1.0 -> 1.1");
        assertThat(Files.readString(dir.resolve("root/changelog"))).startsWith("root (1.0)");
    }
}
