package org.imagetree.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;

/**
 * A minimal valid image: a config blob, one gzip layer (a tar holding one file) and a Docker v2 or OCI manifest.
 * {@code marker} goes into the config and the file, so different markers give different digests.
 */
public record TinyImage(byte[] config, String configDigest, byte[] layer, String layerDigest, byte[] manifest,
                        String manifestDigest, String manifestMediaType) {
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    /** Pushes config, layer and manifest (under the reference's tag) with the client's push primitives; returns the digest. */
    public String pushTo(org.imagetree.registry.RegistryClient client, org.imagetree.model.ImageReference ref) {
        client.pushBlob(ref.registry(), ref.repository(), configDigest, config);
        client.pushBlob(ref.registry(), ref.repository(), layerDigest, layer);
        return client.putManifest(ref, manifestMediaType, manifest);
    }

    /** As a build publishes: {@link #pushTo} the reference, then its repository's {@code latest}; returns the digest. */
    public String publishTo(org.imagetree.registry.RegistryClient client, org.imagetree.model.ImageReference ref) {
        String digest = pushTo(client, ref);
        client.putManifest(new org.imagetree.model.ImageReference(ref.registry(), ref.repository(), "latest", null), manifestMediaType, manifest);
        return digest;
    }

    public static TinyImage docker(String marker) { return create(marker, false); }

    public static TinyImage oci(String marker) { return create(marker, true); }

    private static TinyImage create(String marker, boolean oci) {
        byte[] layer = gzip(tar("hello.txt", ("hello " + marker + "\n").getBytes(StandardCharsets.UTF_8)));
        String layerDigest = sha256(layer);
        String diffId = sha256(gunzippedTar(marker));
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{\"marker\":\"" + marker + "\"}},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + diffId + "\"]}}").getBytes(StandardCharsets.UTF_8);
        String configDigest = sha256(config);
        String mediaType = oci ? OCI_MANIFEST : DOCKER_MANIFEST;
        String configType = oci ? "application/vnd.oci.image.config.v1+json" : "application/vnd.docker.container.image.v1+json";
        String layerType = oci ? "application/vnd.oci.image.layer.v1.tar+gzip" : "application/vnd.docker.image.rootfs.diff.tar.gzip";
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + mediaType + "\","
                + "\"config\":{\"mediaType\":\"" + configType + "\",\"size\":" + config.length + ",\"digest\":\"" + configDigest + "\"},"
                + "\"layers\":[{\"mediaType\":\"" + layerType + "\",\"size\":" + layer.length + ",\"digest\":\"" + layerDigest + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        return new TinyImage(config, configDigest, layer, layerDigest, manifest, sha256(manifest), mediaType);
    }

    private static byte[] gunzippedTar(String marker) {
        return tar("hello.txt", ("hello " + marker + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** A ustar archive with one regular file. */
    static byte[] tar(String name, byte[] content) {
        byte[] header = new byte[512];
        put(header, 0, name);
        put(header, 100, "0000644\0");
        put(header, 108, "0000000\0");
        put(header, 116, "0000000\0");
        put(header, 124, String.format("%011o\0", content.length));
        put(header, 136, "00000000000\0");
        put(header, 148, "        ");
        header[156] = '0';
        put(header, 257, "ustar\0");
        put(header, 263, "00");
        int sum = 0;
        for (byte b : header) sum += b & 0xff;
        put(header, 148, String.format("%06o\0 ", sum));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header);
        out.writeBytes(content);
        out.writeBytes(new byte[(512 - content.length % 512) % 512]);
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    private static void put(byte[] buf, int offset, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, buf, offset, b.length);
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String sha256(byte[] data) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
