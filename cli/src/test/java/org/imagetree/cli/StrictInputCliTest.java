package org.imagetree.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Strict YAML, unknown config keys and the template sandbox, as the command line reports them. */
class StrictInputCliTest {
    @TempDir Path dir;

    private Path tree(String template) throws IOException {
        Path image = Files.createDirectories(dir.resolve("images/foo"));
        Files.writeString(image.resolve("Dockerfile.template"), template);
        Files.writeString(image.resolve("changelog"), """
                foo (1.0-1) wikimedia; urgency=medium

                  * Initial release.

                 -- Jane Doe <jane@example.org>  Mon, 01 Jan 2024 00:00:00 +0000
                """);
        return dir.resolve("images");
    }

    private Path config(String yaml) throws IOException {
        return Files.writeString(dir.resolve("config.yaml"), yaml);
    }

    @Test
    void anUnknownKeyIsAWarningAndTheRenderGoesOn() throws IOException {
        Path images = tree("FROM {{ registry }}/bookworm:1\n");
        CliRun r = CliRun.of(Map.of("HOME", dir.toString()), "-c", config("registry: r.example\nnamespce: x\n").toString(), "render", images.toString());
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.err()).contains("warning: " + dir.resolve("config.yaml") + ":2: unknown key 'namespce' (did you mean 'namespace'?)");
        assertThat(r.out()).contains("FROM r.example/bookworm:1");
    }

    @Test
    void aDuplicateKeyIsOneErrorLineAndExit2() throws IOException {
        Path images = tree("FROM {{ registry }}/bookworm:1\n");
        CliRun r = CliRun.of(Map.of("HOME", dir.toString()), "-c", config("registry: r.example\nregistry: evil.example\n").toString(),
                "render", images.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("error: " + dir.resolve("config.yaml") + ":2: duplicate key 'registry' (first at line 1)");
        assertThat(r.out()).doesNotContain("evil.example");
    }

    @Test
    void aTemplateCannotReadTheClassPath() throws IOException {
        Path images = tree("FROM x\n{% include 'META-INF/MANIFEST.MF' %}\n");
        CliRun r = CliRun.of(Map.of("HOME", dir.toString()), "-c", config("registry: r.example\n").toString(), "render", images.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Dockerfile.template:2: template 'META-INF/MANIFEST.MF': no such template in the image directory")
                .doesNotContain("Manifest-Version");
        assertThat(r.out()).doesNotContain("Manifest-Version");
    }
}
