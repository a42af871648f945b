package org.imagetree.base;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a one-layer OCI image from a root filesystem tarball, deterministically: the same tarball and epoch give
 * the same layer, config and manifest bytes, hence the same manifest digest (what {@code docker build} with
 * {@code ADD} cannot give: it stamps the build time into the config). As the official images' {@code oci-image.sh}:
 * gzip without file name or modification time at a fixed level ({@link org.imagetree.registry.GzipLayers}), {@code created} = the epoch,
 * {@code diff_id} = sha256 of the uncompressed tar; JSON with sorted keys and no whitespace.
 */
public final class OciImageWriter {
    public static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
    public static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
    public static final String LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private OciImageWriter() {}

    /**
     * The image, ready to push: blobs first (layer, config), then the manifest.
     *
     * @param layer          gzipped layer file
     * @param layerDigest    sha256 of {@code layer}
     * @param layerSize      its size in bytes
     * @param diffId         sha256 of the uncompressed tar
     * @param config         config JSON bytes
     * @param manifest       manifest JSON bytes
     */
    public record OciImage(Path layer, String layerDigest, long layerSize, String diffId, byte[] config, byte[] manifest) {
        public OciImage {
            config = config.clone();
            manifest = manifest.clone();
        }

        @Override public byte[] config() { return config.clone(); }

        @Override public byte[] manifest() { return manifest.clone(); }

        public String configDigest() { return sha256(config); }

        public String manifestDigest() { return sha256(manifest); }
    }

    /**
     * @param rootfsTar    uncompressed tarball (debuerreotype-tar output)
     * @param epoch        creation time, seconds since 1970
     * @param architecture OCI architecture ({@code amd64}, {@code arm64}, …)
     * @param createdBy    the history entry's {@code created_by}
     * @param layerOut     where to write the gzipped layer
     */
    public static OciImage write(Path rootfsTar, long epoch, String architecture, String createdBy, Path layerOut) {
        org.imagetree.registry.GzipLayers.Compressed layer;
        try {
            layer = org.imagetree.registry.GzipLayers.compress(rootfsTar, layerOut);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the layer " + layerOut, e);
        }
        String diffId = layer.diffId();
        String layerDigest = layer.digest();
        long size = layer.size();
        String created = Instant.ofEpochSecond(epoch).toString();

        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("architecture", architecture);
        cfg.put("os", "linux");
        cfg.put("created", created);
        cfg.put("config", Map.of("Env", List.of(PATH, "LC_ALL=C.UTF-8"), "Cmd", List.of("/bin/bash")));
        cfg.put("rootfs", Map.of("type", "layers", "diff_ids", List.of(diffId)));
        cfg.put("history", List.of(Map.of("created", created, "created_by", createdBy)));
        byte[] config = canonical(cfg);

        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MANIFEST_TYPE);
        manifest.put("config", Map.of("mediaType", CONFIG_TYPE, "digest", sha256(config), "size", config.length));
        manifest.put("layers", List.of(Map.of("mediaType", LAYER_TYPE, "digest", layerDigest, "size", size)));
        return new OciImage(layerOut, layerDigest, size, diffId, config, canonical(manifest));
    }

    /**
     * Writes {@code image} as an OCI image layout in {@code dir} ({@code oci-layout}, {@code index.json},
     * {@code blobs/sha256/…}), moving its layer file in: what {@link BaseImagePublisher} pushes.
     */
    public static Path layout(OciImage image, Path dir) {
        try {
            return org.imagetree.registry.OciLayout.write(dir, image.manifest(), MANIFEST_TYPE, List.of(
                    org.imagetree.registry.OciLayout.Blob.file(image.layerDigest(), image.layer()),
                    org.imagetree.registry.OciLayout.Blob.of(image.config())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the OCI layout " + dir, e);
        }
    }

    /** The OCI architecture name of a dpkg architecture. */
    public static String ociArchitecture(String dpkgArch) {
        return switch (dpkgArch) {
            case "i386" -> "386";
            case "armhf", "armel" -> "arm";
            case "ppc64el" -> "ppc64le";
            default -> dpkgArch;
        };
    }

    static byte[] canonical(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] b) {
        return "sha256:" + HexFormat.of().formatHex(sha256().digest(b));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
