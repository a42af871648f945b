package org.imagetree.security;

import org.imagetree.model.BaseImageOf;
import org.imagetree.registry.RegistryClient;
import org.imagetree.testing.LayeredImage;
import org.imagetree.testing.LocalRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading installed packages from the registry alone, on hand-made layers: the newest status wins, whiteouts and
 * opaque directories hide lower layers, distroless status.d, os-release through Debian's symlink, a layer that
 * answered is read to its end (its digest checked), and each distinct layer is read once however many images share it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageReaderTest {
    private static final String STATUS = "Package: libc6\nStatus: install ok installed\nVersion: 2.36-9\n\n"
            + "Package: openssl\nStatus: install ok installed\nVersion: 3.0.11-1~deb12u1\nDescription: x\n more\n\n"
            + "Package: gone\nStatus: deinstall ok config-files\nVersion: 1.0\n";
    LocalRegistry registry;
    RegistryClient client;
    LayeredImage.Layer base;
    int padding = 2_000_000;

    @BeforeAll
    void start() {
        registry = LocalRegistry.start();
        client = RegistryClient.builder().build();
        // Debian's layout: etc/os-release is a link to ../usr/lib/os-release; a big incompressible file after the status.
        base = LayeredImage.layer()
                .symlink("etc/os-release", "../usr/lib/os-release")
                .file("usr/lib/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n")
                .file("var/lib/dpkg/status", STATUS)
                .padding("zz/after-the-status.bin", padding, 1);
        LayeredImage.push(client, ref("base:1"), List.of(base), Map.of());
    }

    @AfterAll
    void stop() {
        if (registry != null) registry.close();
    }

    private String ref(String name) { return registry.host() + "/imagereader-test/" + name; }

    @Test
    void theNewestStatusWinsAndSharedLayersAreReadOnce() {
        LayeredImage.Layer own = LayeredImage.layer().file("var/lib/dpkg/status", STATUS + "\nPackage: pkg\nStatus: install ok installed\nVersion: 1.0\n");
        LayeredImage.Layer config = LayeredImage.layer().file("etc/app.conf", "x\n");
        String baseDigest = client.headManifest(org.imagetree.model.ImageReference.parse(ref("base:1"))).orElseThrow().digest();
        LayeredImage.push(client, ref("app:1"), List.of(base, own, config), Map.of(BaseImageOf.NAME_LABEL, ref("base:1"), BaseImageOf.DIGEST_LABEL, baseDigest));
        LayeredImage.push(client, ref("other:1"), List.of(base, LayeredImage.layer().file("srv/x", "y")), Map.of());

        ImageReader reader = new ImageReader(client);
        ImageReader.Image app = reader.read(ref("app:1")).orElseThrow();
        assertThat(app.suite()).isEqualTo("bookworm");
        assertThat(app.arch()).isEqualTo("amd64");
        assertThat(app.packages()).containsEntry("pkg", "1.0").containsEntry("openssl", "3.0.11-1~deb12u1").doesNotContainKey("gone");
        assertThat(app.labels()).containsEntry(BaseImageOf.DIGEST_LABEL, baseDigest);
        // The walk stopped at the layer with the status (and read the base only for os-release): 3 layers, all read.
        assertThat(reader.layerReads()).isEqualTo(3);
        // Every layer that answered was read to its end, so that its digest was checked: the padding after the status too.
        assertThat(reader.bytesRead()).isGreaterThan(padding);

        long before = reader.layerReads();
        ImageReader.Image other = reader.read(ref("other:1")).orElseThrow();
        assertThat(other.packages()).containsEntry("openssl", "3.0.11-1~deb12u1").doesNotContainKey("pkg");
        assertThat(reader.layerReads() - before).as("only other's own layer; the base was read for app").isEqualTo(1);
        assertThat(other.bytesRead()).isLessThan(1000);
        assertThat(reader.read(registry.host() + "/imagereader-test/nosuch:1")).isEmpty();
    }

    @Test
    void layersAreStreamedWithTheRegistrysAuthentication() {
        try (LocalRegistry secured = LocalRegistry.start("reader", "s3cret-pw")) {
            RegistryClient withCredentials = RegistryClient.builder()
                    .credentials(new org.imagetree.registry.RegistryCredentials(secured.host(), "reader", "s3cret-pw")).build();
            LayeredImage.push(withCredentials, secured.host() + "/imagereader-test/auth:1", List.of(base), Map.of());
            ImageReader.Image image = new ImageReader(withCredentials).read(secured.host() + "/imagereader-test/auth:1").orElseThrow();
            assertThat(image.packages()).containsEntry("libc6", "2.36-9");
            Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() ->
                    new ImageReader(RegistryClient.builder().build()).read(secured.host() + "/imagereader-test/auth:1"));
            assertThat(refused).isInstanceOf(SecurityScanException.class).hasMessageContaining("401").hasMessageNotContaining("s3cret-pw");
        }
    }

    @Test
    void whiteoutsAndOpaqueDirectoriesHideLowerLayers() {
        LayeredImage.push(client, ref("nodpkg:1"), List.of(base, LayeredImage.layer().whiteout("var/lib/dpkg/status")), Map.of());
        LayeredImage.push(client, ref("opaque:1"), List.of(base, LayeredImage.layer().opaque("var/lib/dpkg").file("var/lib/dpkg/other", "")), Map.of());
        LayeredImage.push(client, ref("noos:1"), List.of(base, LayeredImage.layer().whiteout("usr/lib")), Map.of());
        ImageReader reader = new ImageReader(client);
        assertThat(reader.read(ref("nodpkg:1")).orElseThrow().hasDpkg()).isFalse();
        assertThat(reader.read(ref("opaque:1")).orElseThrow().hasDpkg()).isFalse();
        ImageReader.Image noos = reader.read(ref("noos:1")).orElseThrow();
        assertThat(noos.hasDpkg()).isTrue();
        assertThat(noos.suite()).as("the link's target is gone").isEmpty();
    }

    @Test
    void distrolessStatusDirectoriesCountEveryFileExceptWhitedOutOnes() {
        LayeredImage.Layer lower = LayeredImage.layer()
                .file("etc/os-release", "VERSION_CODENAME=bookworm\n")
                .file("var/lib/dpkg/status.d/base-files", "Package: base-files\nVersion: 12.4+deb12u5\n")
                .file("var/lib/dpkg/status.d/base-files.md5sums", "abc  etc/x\n")
                .file("var/lib/dpkg/status.d/libssl3", "Package: libssl3\nVersion: 3.0.11-1~deb12u1\n");
        LayeredImage.Layer upper = LayeredImage.layer()
                .file("var/lib/dpkg/status.d/tzdata", "Package: tzdata\nVersion: 2024a-0+deb12u1\n")
                .whiteout("var/lib/dpkg/status.d/libssl3");
        LayeredImage.push(client, ref("distroless:1"), List.of(lower, upper), Map.of());
        ImageReader.Image d = new ImageReader(client).read(ref("distroless:1")).orElseThrow();
        assertThat(d.suite()).isEqualTo("bookworm");
        assertThat(d.packages()).containsOnlyKeys("base-files", "tzdata");
    }
}
