package org.imagetree.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bounds on everything read from outside the project: registries (manifests, configs, layers), the files inside
 * images, APT sources, pod lists. Each bound is a configuration key with a default; an input that goes past one ends
 * with a one-line error naming the key ({@link #exceeded}).
 *
 * @param layerBytes      {@value #LAYER_BYTES}: decompressed (and compressed) bytes of one image layer a scan reads
 * @param statusBytes     {@value #STATUS_BYTES}: bytes of one file a scan parses from an image (the dpkg status, each
 *                        {@code status.d} file and all of them together, os-release)
 * @param manifestBytes   {@value #MANIFEST_BYTES}: one answer of a registry that is not a layer (manifest, index, image
 *                        config, tag or catalog page, token, error) and an APT source's {@code InRelease}
 * @param podsBytes       {@value #PODS_BYTES}: the pod list file ({@code stale --pods})
 * @param requestTimeout  {@value #REQUEST_TIMEOUT}: the whole of one such request, body included
 * @param downloadTimeout {@value #DOWNLOAD_TIMEOUT}: the whole download of one layer or one APT {@code Packages} index
 */
public record ReadLimits(long layerBytes, long statusBytes, long manifestBytes, long podsBytes, Duration requestTimeout,
                         Duration downloadTimeout) {
    public static final String LAYER_BYTES = "max_layer_bytes";
    public static final String STATUS_BYTES = "max_status_bytes";
    public static final String MANIFEST_BYTES = "max_manifest_bytes";
    public static final String PODS_BYTES = "max_pods_bytes";
    public static final String REQUEST_TIMEOUT = "request_timeout";
    public static final String DOWNLOAD_TIMEOUT = "download_timeout";
    /** Every key, in the order the docs list them. */
    public static final List<String> KEYS = List.of(LAYER_BYTES, STATUS_BYTES, MANIFEST_BYTES, PODS_BYTES, REQUEST_TIMEOUT, DOWNLOAD_TIMEOUT);

    private static final long KIB = 1024;
    private static final long MIB = KIB * 1024;
    private static final long GIB = MIB * 1024;

    /**
     * The defaults: a layer of 16 GiB (CUDA and ROCm layers reach a few GiB; a scan reads every layer above the dpkg
     * database through), a status of 32 MiB (a 3,000-package image has ~8 MiB), 4 MiB per manifest (Distribution's own
     * limit on a pushed manifest), 128 MiB of pod list (~10,000 pods as kubectl writes them), 60 s per request, 10
     * minutes per layer download.
     */
    public static final ReadLimits DEFAULTS = new ReadLimits(16 * GIB, 32 * MIB, 4 * MIB, 128 * MIB,
            Duration.ofSeconds(60), Duration.ofMinutes(10));

    public ReadLimits {
        if (layerBytes < 1 || statusBytes < 1 || manifestBytes < 1 || podsBytes < 1) throw new IllegalArgumentException("limits must be positive");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(downloadTimeout, "downloadTimeout");
        if (requestTimeout.isNegative() || requestTimeout.isZero() || downloadTimeout.isNegative() || downloadTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    /** The limits a configuration sets (validated when it was read), the defaults for the rest. */
    public static ReadLimits of(EngineConfig config) {
        return of(config.values());
    }

    /**
     * The limits of a map of configuration values.
     *
     * @throws IllegalArgumentException naming the key whose value is not a size or a duration
     */
    public static ReadLimits of(Map<String, ?> values) {
        return new ReadLimits(
                bytes(values, LAYER_BYTES, DEFAULTS.layerBytes),
                bytes(values, STATUS_BYTES, DEFAULTS.statusBytes),
                bytes(values, MANIFEST_BYTES, DEFAULTS.manifestBytes),
                bytes(values, PODS_BYTES, DEFAULTS.podsBytes),
                duration(values, REQUEST_TIMEOUT, DEFAULTS.requestTimeout),
                duration(values, DOWNLOAD_TIMEOUT, DEFAULTS.downloadTimeout));
    }

    public ReadLimits withLayerBytes(long n) { return new ReadLimits(n, statusBytes, manifestBytes, podsBytes, requestTimeout, downloadTimeout); }
    public ReadLimits withStatusBytes(long n) { return new ReadLimits(layerBytes, n, manifestBytes, podsBytes, requestTimeout, downloadTimeout); }
    public ReadLimits withManifestBytes(long n) { return new ReadLimits(layerBytes, statusBytes, n, podsBytes, requestTimeout, downloadTimeout); }
    public ReadLimits withPodsBytes(long n) { return new ReadLimits(layerBytes, statusBytes, manifestBytes, n, requestTimeout, downloadTimeout); }
    public ReadLimits withRequestTimeout(Duration d) { return new ReadLimits(layerBytes, statusBytes, manifestBytes, podsBytes, d, downloadTimeout); }
    public ReadLimits withDownloadTimeout(Duration d) { return new ReadLimits(layerBytes, statusBytes, manifestBytes, podsBytes, requestTimeout, d); }

    /** {@code "more than 4 MiB (max_manifest_bytes)"}: the tail of every message about a size limit. */
    public static String exceeded(long limit, String key) {
        return "more than " + size(limit) + " (" + key + "; raise it in the config if this is expected)";
    }

    /** {@code "took longer than 60 s (request_timeout)"}: the tail of every message about a time limit. */
    public static String tookLonger(Duration limit, String key) {
        return "took longer than " + duration(limit) + " (" + key + "; raise it in the config if this is expected)";
    }

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB|TiB|k|K|M|G|T)?");
    private static final Pattern TIME = Pattern.compile("(\\d+)\\s*(ms|s|m|min|h)?");

    /**
     * A size: a whole number of bytes, or one with a unit {@code KiB}, {@code MiB}, {@code GiB}, {@code TiB} (also
     * written {@code K}, {@code M}, {@code G}, {@code T}: powers of 1024).
     *
     * @throws IllegalArgumentException when it is not one, or not positive
     */
    public static long parseSize(Object value) {
        if (value instanceof Integer || value instanceof Long) {
            long n = ((Number) value).longValue();
            if (n < 1) throw new IllegalArgumentException("must be a positive size, not " + n);
            return n;
        }
        if (!(value instanceof String s)) throw new IllegalArgumentException("must be a size such as 512MiB, not " + describe(value));
        Matcher m = SIZE.matcher(s.strip());
        if (!m.matches()) throw new IllegalArgumentException("must be a size such as 512MiB (units B, KiB, MiB, GiB, TiB), not '" + s + "'");
        long unit = switch (m.group(2) == null ? "B" : m.group(2)) {
            case "KiB", "k", "K" -> KIB;
            case "MiB", "M" -> MIB;
            case "GiB", "G" -> GIB;
            case "TiB", "T" -> GIB * 1024;
            default -> 1;
        };
        try {
            long n = Math.multiplyExact(Long.parseLong(m.group(1)), unit);
            if (n < 1) throw new IllegalArgumentException("must be a positive size, not '" + s + "'");
            return n;
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is too large", e);
        }
    }

    /**
     * A duration: whole seconds, or a number with a unit {@code ms}, {@code s}, {@code m} (or {@code min}), {@code h}.
     *
     * @throws IllegalArgumentException when it is not one, or not positive
     */
    public static Duration parseDuration(Object value) {
        if (value instanceof Integer || value instanceof Long) {
            long n = ((Number) value).longValue();
            if (n < 1) throw new IllegalArgumentException("must be a positive number of seconds, not " + n);
            return Duration.ofSeconds(n);
        }
        if (!(value instanceof String s)) throw new IllegalArgumentException("must be a duration such as 60s or 10m, not " + describe(value));
        Matcher m = TIME.matcher(s.strip());
        if (!m.matches()) throw new IllegalArgumentException("must be a duration such as 60s or 10m (units ms, s, m, h), not '" + s + "'");
        try {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2) == null ? "s" : m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "m", "min" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
            if (d.isZero()) throw new IllegalArgumentException("must be a positive duration, not '" + s + "'");
            return d;
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is too long", e);
        }
    }

    /** {@code 4 MiB}, {@code 1.5 GiB}, {@code 700 bytes}. */
    public static String size(long bytes) {
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        if (bytes < KIB) return bytes + (bytes == 1 ? " byte" : " bytes");
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return (v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v)) + " " + units[u];
    }

    /** {@code 60 s}, {@code 10 min}, {@code 250 ms}. */
    public static String duration(Duration d) {
        if (d.toMillis() % 1000 != 0) return d.toMillis() + " ms";
        long s = d.toSeconds();
        if (s % 3600 == 0) return s / 3600 + " h";
        if (s % 60 == 0 && s >= 60) return s / 60 + " min";
        return s + " s";
    }

    private static long bytes(Map<String, ?> values, String key, long fallback) {
        Object v = values.get(key);
        if (v == null) return fallback;
        try {
            return parseSize(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }

    private static Duration duration(Map<String, ?> values, String key, Duration fallback) {
        Object v = values.get(key);
        if (v == null) return fallback;
        try {
            return parseDuration(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }

    private static String describe(Object v) {
        if (v instanceof Map<?, ?>) return "a mapping";
        if (v instanceof List<?>) return "a list";
        return String.valueOf(v);
    }
}
