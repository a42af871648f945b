package org.imagetree.testing;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.imagetree.model.ImageReference;
import org.imagetree.registry.RegistryClient;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Images made of hand-written layers, pushed with the registry client's push primitives (no Docker): files, symlinks,
 * whiteouts ({@code .wh.NAME}) and opaque directories, in the order given (tar order matters to readers that stop
 * early). For registry-side readers such as the security scan.
 */
public final class LayeredImage {
    private LayeredImage() {}

    /** One layer: entries in order. Build with {@link #layer()}. */
    public static final class Layer {
        private final ByteArrayOutputStream tar = new ByteArrayOutputStream();
        private final TarArchiveOutputStream out = new TarArchiveOutputStream(tar);
        private byte[] gz;

        private Layer() {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        }

        public Layer file(String path, String content) { return file(path, content.getBytes(StandardCharsets.UTF_8)); }

        public Layer file(String path, byte[] content) {
            try {
                TarArchiveEntry e = new TarArchiveEntry(path);
                e.setSize(content.length);
                out.putArchiveEntry(e);
                out.write(content);
                out.closeArchiveEntry();
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            return this;
        }

        /** {@code bytes} of incompressible data (what a real layer's binaries cost to download). */
        public Layer padding(String path, int bytes, long seed) {
            byte[] b = new byte[bytes];
            new Random(seed).nextBytes(b);
            return file(path, b);
        }

        public Layer symlink(String path, String target) {
            try {
                TarArchiveEntry e = new TarArchiveEntry(path, TarArchiveEntry.LF_SYMLINK);
                e.setLinkName(target);
                out.putArchiveEntry(e);
                out.closeArchiveEntry();
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            return this;
        }

        /** Hides {@code path} of lower layers. */
        public Layer whiteout(String path) {
            int slash = path.lastIndexOf('/');
            return file(path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1), new byte[0]);
        }

        /** Hides everything lower layers hold under {@code dir}. */
        public Layer opaque(String dir) { return file(dir + "/.wh..wh..opq", new byte[0]); }

        /** The gzip-compressed tar (the layer is closed on first use). */
        public byte[] bytes() {
            if (gz == null) {
                try {
                    out.finish();
                    out.close();
                    ByteArrayOutputStream z = new ByteArrayOutputStream();
                    try (GZIPOutputStream g = new GZIPOutputStream(z)) {
                        g.write(tar.toByteArray());
                    }
                    gz = z.toByteArray();
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            }
            return gz;
        }

        public String digest() { return TinyImage.sha256(bytes()); }
    }

    public static Layer layer() { return new Layer(); }

    /** Pushes an image of these layers (bottom first) with these config labels; returns its manifest digest. */
    public static String push(RegistryClient client, String reference, List<Layer> layers, Map<String, String> labels) {
        ImageReference ref = ImageReference.parse(reference);
        StringBuilder labelJson = new StringBuilder();
        labels.forEach((k, v) -> labelJson.append(labelJson.length() == 0 ? "" : ",").append('"').append(k).append("\":\"").append(v).append('"'));
        List<String> diffIds = new ArrayList<>();
        StringBuilder layerJson = new StringBuilder();
        for (Layer l : layers) {
            diffIds.add("\"" + l.digest() + "\""); // not the uncompressed digest; registries do not check it
            if (layerJson.length() > 0) layerJson.append(',');
            layerJson.append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"size\":").append(l.bytes().length)
                    .append(",\"digest\":\"").append(l.digest()).append("\"}");
            if (!client.blobExists(ref.registry(), ref.repository(), l.digest())) client.pushBlob(ref.registry(), ref.repository(), l.digest(), l.bytes());
        }
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{" + labelJson + "}},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + String.join(",", diffIds) + "]}}").getBytes(StandardCharsets.UTF_8);
        String configDigest = TinyImage.sha256(config);
        client.pushBlob(ref.registry(), ref.repository(), configDigest, config);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"size\":" + config.length + ",\"digest\":\"" + configDigest + "\"},"
                + "\"layers\":[" + layerJson + "]}").getBytes(StandardCharsets.UTF_8);
        return client.putManifest(ref, "application/vnd.oci.image.manifest.v1+json", manifest);
    }
}
