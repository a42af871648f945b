package org.imagetree.cli;

import org.imagetree.model.BaseImageOf;
import org.imagetree.registry.RegistryClient;
import org.imagetree.testing.LayeredImage;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.SmallTree;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code plan} and {@code plan --check-stale} agree on what a build does (issue 26, item 5): a published image whose
 * {@code latest} is missing is {@code tag} in both, and --check-stale adds that its parent moved on. Images are pushed
 * to a LocalRegistry as plain layers (no Docker).
 */
class PlanStaleCliTest {
    @TempDir Path dir;
    LocalRegistry registry;

    @BeforeEach
    void start() { registry = LocalRegistry.start(); }

    @AfterEach
    void stop() { registry.close(); }

    @Test
    void aStaleImageWhoseLatestIsMissingIsTagWithAndWithoutCheckStale() throws Exception {
        RegistryClient client = RegistryClient.builder().build();
        String r = registry.host();
        String oldBase = LayeredImage.push(client, r + "/planbase:latest", List.of(LayeredImage.layer().file("etc/base", "1")), Map.of());
        LayeredImage.push(client, r + "/planapp:1.0", List.of(LayeredImage.layer().file("etc/base", "1"), LayeredImage.layer().file("etc/app", "1")),
                Map.of(BaseImageOf.NAME_LABEL, r + "/planbase:latest", BaseImageOf.DIGEST_LABEL, oldBase));
        String newBase = LayeredImage.push(client, r + "/planbase:latest", List.of(LayeredImage.layer().file("etc/base", "2")), Map.of());
        SmallTree.at(dir.resolve("images")).image("planapp", "1.0", "FROM " + r + "/planbase:latest\n", null);
        Path config = Files.writeString(dir.resolve("config.yaml"), "registry: " + r + "\nbase_images:\n  - " + r + "/planbase:latest\n");
        String images = dir.resolve("images").toString();

        CliRun plain = CliRun.of("-c", config.toString(), "plan", images);
        assertThat(plain.exitCode()).as(plain.all()).isZero();
        assertThat(plain.out()).containsPattern("planapp:1.0\\s+published\\s+tag\\s+published, but latest is missing");

        CliRun checked = CliRun.of("-c", config.toString(), "plan", "--check-stale", images);
        assertThat(checked.exitCode()).as(checked.all()).isZero();
        assertThat(checked.out()).containsPattern("planapp:1.0\\s+published\\s+tag\\s+published, but latest is missing;"
                + " set from the published manifest, no rebuild; stale: parent " + r + "/planbase:latest is now " + newBase.substring(0, 19));
        CliRun json = CliRun.of("-c", config.toString(), "plan", "--check-stale", "--format", "json", images);
        assertThat(json.out()).contains("\"action\" : \"tag\"");
    }
}
