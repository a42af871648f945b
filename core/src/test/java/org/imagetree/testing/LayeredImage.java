package org.imagetree.testing;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.imagetree.model.ImageReference;
import org.imagetree.registry.RegistryClient;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

        /** A file under a name exactly as written ({@code /var//lib/./x}: no normalisation, a leading slash kept). */
        public Layer rawName(String name, String content) {
            try {
                byte[] b = content.getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry e = new TarArchiveEntry(name, true);
                e.setSize(b.length);
                out.putArchiveEntry(e);
                out.write(b);
                out.closeArchiveEntry();
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            return this;
        }

        /** A hardlink to {@code target} (an earlier entry of this layer, or a file of a lower one). */
        public Layer hardlink(String path, String target) {
            try {
                TarArchiveEntry e = new TarArchiveEntry(path, TarArchiveEntry.LF_LINK);
                e.setLinkName(target);
                out.putArchiveEntry(e);
                out.closeArchiveEntry();
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            return this;
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

    /**
     * A layer written as a stream to a temporary gzip file, for generated inputs too large for memory (GiBs of zeros
     * decompress from a few MB): entries whose content is {@code size} bytes of one repeated byte, or text.
     */
    public static final class Streamed implements AutoCloseable {
        private final Path file;
        private final TarArchiveOutputStream out;
        private String digest;
        private long size;

        public Streamed() {
            try {
                file = Files.createTempFile("imagetree-layer-", ".tar.gz");
                out = new TarArchiveOutputStream(new GZIPOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), 1 << 16));
                out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** An entry of {@code size} bytes, each {@code fill}, generated as it is written. */
        public Streamed repeated(String path, long size, byte fill) {
            try {
                TarArchiveEntry e = new TarArchiveEntry(path);
                e.setSize(size);
                out.putArchiveEntry(e);
                byte[] chunk = new byte[1 << 16];
                java.util.Arrays.fill(chunk, fill);
                for (long left = size; left > 0; left -= chunk.length) out.write(chunk, 0, (int) Math.min(chunk.length, left));
                out.closeArchiveEntry();
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            return this;
        }

        /** An entry whose content is {@code lines} generated one at a time (line {@code i} by {@code line.apply(i)}). */
        public Streamed lines(String path, int count, java.util.function.IntFunction<String> line) {
            try {
                long size = 0;
                for (int i = 0; i < count; i++) size += line.apply(i).getBytes(StandardCharsets.UTF_8).length;
                TarArchiveEntry e = new TarArchiveEntry(path);
                e.setSize(size);
                out.putArchiveEntry(e);
                for (int i = 0; i < count; i++) out.write(line.apply(i).getBytes(StandardCharsets.UTF_8));
                out.closeArchiveEntry();
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            return this;
        }

        public Streamed file(String path, String content) {
            return lines(path, 1, i -> content);
        }

        /** Finishes the layer; its gzip file, digest and size. */
        Path finish() {
            if (digest == null) {
                try {
                    out.finish();
                    out.close();
                    digest = org.imagetree.registry.Digests.sha256(file);
                    size = Files.size(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return file;
        }

        public String digest() { finish(); return digest; }

        public long size() { finish(); return size; }

        @Override
        public void close() {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Pushes an image of these layers (bottom first) with these config labels; returns its manifest digest. */
    public static String push(RegistryClient client, String reference, List<Layer> layers, Map<String, String> labels) {
        return pushAny(client, reference, new ArrayList<>(layers), labels);
    }

    /** As {@link #push}, for layers of both kinds. */
    public static String pushAny(RegistryClient client, String reference, List<Object> layers, Map<String, String> labels) {
        ImageReference ref = ImageReference.parse(reference);
        String labelJson;
        try {
            String all = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(new java.util.TreeMap<>(labels));
            labelJson = all.substring(1, all.length() - 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> diffIds = new ArrayList<>();
        StringBuilder layerJson = new StringBuilder();
        for (Object o : layers) {
            String digest = o instanceof Layer l ? l.digest() : ((Streamed) o).digest();
            long size = o instanceof Layer l ? l.bytes().length : ((Streamed) o).size();
            diffIds.add("\"" + digest + "\""); // not the uncompressed digest; registries do not check it
            if (layerJson.length() > 0) layerJson.append(',');
            layerJson.append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"size\":").append(size)
                    .append(",\"digest\":\"").append(digest).append("\"}");
            if (client.blobExists(ref.registry(), ref.repository(), digest)) continue;
            if (o instanceof Layer l) client.pushBlob(ref.registry(), ref.repository(), digest, l.bytes());
            else client.pushBlob(ref.registry(), ref.repository(), digest, ((Streamed) o).finish());
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
