package org.imagetree.base;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Same tarball and epoch → same bytes; config and manifest as the OCI image spec and reference 1.2 describe. */
class OciImageWriterTest {
    @TempDir Path dir;

    private Path tar() throws IOException {
        // Not a real tar: the writer treats the layer as bytes; what matters is diff_id = sha256(uncompressed).
        byte[] content = new byte[300_000];
        for (int i = 0; i < content.length; i++) content[i] = (byte) (i * 31 % 251);
        return Files.write(dir.resolve("rootfs.tar"), content);
    }

    @Test
    void sameInputsGiveTheSameDigestsAndTheEpochChangesThem() throws IOException {
        Path tar = tar();
        OciImageWriter.OciImage one = OciImageWriter.write(tar, 1_783_764_997L, "amd64", "test", dir.resolve("a.gz"));
        Files.setLastModifiedTime(tar, java.nio.file.attribute.FileTime.fromMillis(0)); // file times do not matter
        OciImageWriter.OciImage two = OciImageWriter.write(tar, 1_783_764_997L, "amd64", "test", dir.resolve("b.gz"));
        assertThat(two.manifestDigest()).isEqualTo(one.manifestDigest());
        assertThat(Files.readAllBytes(two.layer())).isEqualTo(Files.readAllBytes(one.layer()));
        OciImageWriter.OciImage later = OciImageWriter.write(tar, 1_783_764_997L + 86_400, "amd64", "test", dir.resolve("c.gz"));
        assertThat(later.manifestDigest()).isNotEqualTo(one.manifestDigest());
        assertThat(later.layerDigest()).isEqualTo(one.layerDigest());
    }

    @Test
    void gzipHasNoNameNorTimeAndTheConfigIsCanonical() throws IOException {
        Path tar = tar();
        OciImageWriter.OciImage img = OciImageWriter.write(tar, 1_783_764_997L, "amd64", "debuerreotype 0.15", dir.resolve("l.gz"));
        byte[] gz = Files.readAllBytes(img.layer());
        assertThat(gz[3]).as("FLG: no FNAME/FCOMMENT/FEXTRA").isEqualTo((byte) 0);
        assertThat(new byte[] {gz[4], gz[5], gz[6], gz[7]}).as("MTIME").containsOnly(0);
        assertThat(img.layerSize()).isEqualTo(gz.length);
        try (InputStream in = new GZIPInputStream(Files.newInputStream(img.layer()))) {
            assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(tar));
        }
        assertThat(img.diffId()).isEqualTo(org.imagetree.registry.Digests.sha256(Files.readAllBytes(tar)));
        assertThat(img.layerDigest()).isEqualTo(org.imagetree.registry.Digests.sha256(gz));

        String config = new String(img.config(), StandardCharsets.UTF_8);
        assertThat(config).isEqualTo("{\"architecture\":\"amd64\",\"config\":{\"Cmd\":[\"/bin/bash\"],\"Env\":[\""
                + OciImageWriter.PATH + "\",\"LC_ALL=C.UTF-8\"]},\"created\":\"2026-07-11T10:16:37Z\",\"history\":[{\"created\":"
                + "\"2026-07-11T10:16:37Z\",\"created_by\":\"debuerreotype 0.15\"}],\"os\":\"linux\",\"rootfs\":{\"diff_ids\":[\""
                + img.diffId() + "\"],\"type\":\"layers\"}}");
        JsonNode m = new ObjectMapper().readTree(img.manifest());
        assertThat(m.path("mediaType").asText()).isEqualTo(OciImageWriter.MANIFEST_TYPE);
        assertThat(m.path("config").path("digest").asText()).isEqualTo(img.configDigest());
        assertThat(m.path("config").path("size").asInt()).isEqualTo(img.config().length);
        assertThat(m.path("layers").get(0).path("digest").asText()).isEqualTo(img.layerDigest());
        assertThat(m.path("layers").get(0).path("size").asLong()).isEqualTo(gz.length);
        assertThat(OciImageWriter.ociArchitecture("i386")).isEqualTo("386");
    }
}
