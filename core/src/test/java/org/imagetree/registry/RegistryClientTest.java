package org.imagetree.registry;

import org.imagetree.model.ImageReference;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.TinyImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client against a real Distribution registry of its own (anonymous, plain HTTP on loopback). */
class RegistryClientTest {
    private static LocalRegistry registry;
    private final RegistryClient client = RegistryClient.builder()
            .retryPolicy(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100)))
            .requestTimeout(Duration.ofSeconds(20)).tagPageSize(2).build();

    @BeforeAll
    static void startRegistry() { registry = LocalRegistry.start(); }

    @AfterAll
    static void stopRegistry() { registry.close(); }

    private ImageReference ref(String repoAndTag) { return ImageReference.parse(registry.host() + "/" + repoAndTag); }

    @Test
    void pushedDockerImageIsFoundByHeadWithItsDigest() {
        TinyImage image = TinyImage.docker("head");
        String pushed = image.pushTo(client, ref("tree/head:1.0"));

        assertThat(pushed).isEqualTo(image.manifestDigest());
        assertThat(client.headManifest(ref("tree/head:1.0"))).contains(
                new ManifestDescriptor(image.manifestDigest(), MediaTypes.DOCKER_MANIFEST, image.manifest().length));
        assertThat(client.blobExists(registry.host(), "tree/head", image.layerDigest())).isTrue();
    }

    @Test
    void ociManifestIsServedByDigestWithItsExactBytes() {
        TinyImage image = TinyImage.oci("get");
        image.pushTo(client, ref("tree/get:oci"));

        Manifest m = client.getManifest(ref("tree/get@" + image.manifestDigest())).orElseThrow();

        assertThat(m.content()).isEqualTo(image.manifest());
        assertThat(m.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(m.digest()).isEqualTo(image.manifestDigest());
        assertThat(client.headManifest(ref("tree/get@" + image.manifestDigest())).map(ManifestDescriptor::mediaType))
                .contains(MediaTypes.OCI_MANIFEST);
    }

    @Test
    void blobsAreServedVerifiedAndUnknownOnesAreAbsent() {
        TinyImage image = TinyImage.oci("blob");
        image.pushTo(client, ref("tree/blob:1"));

        assertThat(client.getBlob(registry.host(), "tree/blob", image.configDigest())).hasValueSatisfying(b -> assertThat(b).isEqualTo(image.config()));
        assertThat(client.getBlob(registry.host(), "tree/blob", image.layerDigest())).hasValueSatisfying(b -> assertThat(b).isEqualTo(image.layer()));
        assertThat(client.getBlob(registry.host(), "tree/blob", "sha256:" + "0".repeat(64))).isEmpty();
        assertThatThrownBy(() -> client.getBlob(registry.host(), "tree/blob", "not-a-digest")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unknownTagAndUnknownRepositoryAreAbsentNotErrors() {
        TinyImage.docker("absent").pushTo(client, ref("tree/absent:exists"));

        assertThat(client.headManifest(ref("tree/absent:missing"))).isEmpty();
        assertThat(client.headManifest(ref("tree/never-pushed:1"))).isEmpty();
        assertThat(client.getManifest(ref("tree/never-pushed:1"))).isEmpty();
        assertThat(client.blobExists(registry.host(), "tree/absent", "sha256:" + "0".repeat(64))).isFalse();
    }

    @Test
    void pushingAnExistingBlobCostsOneHead() {
        TinyImage image = TinyImage.docker("skip");
        image.pushTo(client, ref("tree/skip:1"));
        long before = client.requestCount();

        client.pushBlob(registry.host(), "tree/skip", image.layerDigest(), image.layer());

        assertThat(client.requestCount() - before).isEqualTo(1);
    }

    @Test
    void blobFromAFileIsPushed(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        TinyImage image = TinyImage.docker("file");
        Path layer = Files.write(dir.resolve("layer.tar.gz"), image.layer());

        client.pushBlob(registry.host(), "tree/file", image.layerDigest(), layer);

        assertThat(client.blobExists(registry.host(), "tree/file", image.layerDigest())).isTrue();
    }

    @Test
    void listTagsReturnsEveryTagWithASmallPageSize() {
        TinyImage image = TinyImage.docker("tags");
        for (String tag : new String[] {"a", "b", "c", "d", "e"}) image.pushTo(client, ref("tree/tags:" + tag));

        assertThat(client.listTags(registry.host(), "tree/tags")).containsExactlyInAnyOrder("a", "b", "c", "d", "e");
        assertThat(client.listTags(registry.host(), "tree/no-such-repo")).isEmpty();
    }

    @Test
    void deletedManifestIsGone() {
        TinyImage image = TinyImage.docker("delete");
        String digest = image.pushTo(client, ref("tree/delete:1"));

        client.deleteManifest(registry.host(), "tree/delete", digest);

        assertThat(client.headManifest(ref("tree/delete:1"))).isEmpty();
        assertThatThrownBy(() -> client.deleteManifest(registry.host(), "tree/delete", digest))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.getMessage()).contains("DELETE /v2/tree/delete/manifests/" + digest);
                });
    }

    @Test
    void blobIsMountedFromAnotherRepository() {
        TinyImage image = TinyImage.docker("mount");
        image.pushTo(client, ref("tree/mount-src:1"));

        assertThat(client.mountBlob(registry.host(), "tree/mount-dst", image.layerDigest(), "tree/mount-src")).isTrue();
        assertThat(client.blobExists(registry.host(), "tree/mount-dst", image.layerDigest())).isTrue();
        assertThat(client.mountBlob(registry.host(), "tree/mount-dst", "sha256:" + "1".repeat(64), "tree/mount-src")).isFalse();
    }

    @Test
    void manifestWithMissingBlobIsRejectedWithTheRegistryErrorCode() {
        TinyImage image = TinyImage.docker("orphan");

        assertThatThrownBy(() -> client.putManifest(ref("tree/orphan:1"), image.manifestMediaType(), image.manifest()))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.errorCode()).contains("MANIFEST_BLOB_UNKNOWN");
                    assertThat(e.isRetryable()).isFalse();
                });
    }

    @Test
    void blobWithWrongDigestIsRefusedBeforeUpload() {
        long before = client.requestCount();
        assertThatThrownBy(() -> client.pushBlob(registry.host(), "tree/x", "sha256:" + "2".repeat(64), new byte[] {1}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(client.requestCount()).isEqualTo(before);
    }

    @Test
    void pushWorksWithRelativeUploadLocations() {
        try (LocalRegistry relative = LocalRegistry.start(null, null, true)) {
            TinyImage image = TinyImage.docker("relative");
            ImageReference ref = ImageReference.parse(relative.host() + "/tree/rel:1");

            image.pushTo(client, ref);

            assertThat(client.headManifest(ref).map(ManifestDescriptor::digest)).contains(image.manifestDigest());
        }
    }
}
