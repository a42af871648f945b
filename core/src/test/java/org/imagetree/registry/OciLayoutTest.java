package org.imagetree.registry;

import org.imagetree.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An OCI image layout is read only when every blob it names is there with its digest and size. */
class OciLayoutTest {
    @TempDir Path dir;

    private PushableImage image;
    private String layerDigest;

    private Path layout() throws Exception {
        byte[] config = "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}".getBytes(StandardCharsets.UTF_8);
        byte[] layer = "not really gzip".getBytes(StandardCharsets.UTF_8);
        layerDigest = Digests.sha256(layer);
        Path layerFile = Files.write(dir.resolve("layer"), layer);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + Digests.sha256(config) + "\",\"size\":" + config.length + "},"
                + "\"layers\":[{\"mediaType\":\"" + MediaTypes.OCI_LAYER_GZIP + "\",\"digest\":\"" + layerDigest + "\",\"size\":"
                + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
        Path out = OciLayout.write(dir.resolve("oci"), manifest, MediaTypes.OCI_MANIFEST,
                List.of(OciLayout.Blob.of(config), OciLayout.Blob.file(layerDigest, layerFile)));
        image = OciLayout.read(out);
        assertThat(image.digest()).isEqualTo(Digests.sha256(manifest));
        assertThat(image.blobs()).hasSize(2).allMatch(b -> b.content() != null);
        return out;
    }

    private Path blob(Path layout, String digest) { return layout.resolve("blobs/sha256/" + digest.substring(7)); }

    @Test
    void aLayoutWrittenIsReadBack() throws Exception {
        Path layout = layout();
        assertThat(Files.readString(layout.resolve("oci-layout"))).contains("\"imageLayoutVersion\":\"1.0.0\"");
        assertThat(Files.readString(layout.resolve("index.json"))).contains(image.digest());
    }

    @Test
    void aBlobWithOtherBytesIsRefusedNamingIt() throws Exception {
        Path layout = layout();
        Files.writeString(blob(layout, layerDigest), "NOT really gzip"); // same size, other bytes
        assertThatThrownBy(() -> OciLayout.read(layout)).isInstanceOf(InputError.class)
                .hasMessageContaining(blob(layout, layerDigest).toString()).hasMessageContaining("has digest");
    }

    @Test
    void aMissingOrResizedBlobIsRefused() throws Exception {
        Path layout = layout();
        Files.writeString(blob(layout, layerDigest), "short");
        assertThatThrownBy(() -> OciLayout.read(layout)).isInstanceOf(InputError.class).hasMessageContaining("has 5 bytes");
        Files.delete(blob(layout, layerDigest));
        assertThatThrownBy(() -> OciLayout.read(layout)).isInstanceOf(InputError.class).hasMessageContaining("missing");
    }

    @Test
    void aBlobThatIsASymlinkIsRefused() throws Exception {
        Path layout = layout();
        Path target = Files.write(dir.resolve("elsewhere"), Files.readAllBytes(blob(layout, layerDigest)));
        Files.delete(blob(layout, layerDigest));
        Files.createSymbolicLink(blob(layout, layerDigest), target);
        assertThatThrownBy(() -> OciLayout.read(layout)).isInstanceOf(InputError.class).hasMessageContaining("missing");
    }

    @Test
    void aDirectoryThatIsNotALayoutOrHoldsTwoImagesIsRefused() throws Exception {
        assertThatThrownBy(() -> OciLayout.read(dir)).isInstanceOf(InputError.class).hasMessageContaining("oci-layout");
        Path layout = layout();
        Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{},{}]}");
        assertThatThrownBy(() -> OciLayout.read(layout)).isInstanceOf(InputError.class).hasMessageContaining("holds 2 manifests");
    }
}
