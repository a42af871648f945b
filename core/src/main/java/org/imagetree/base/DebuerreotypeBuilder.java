package org.imagetree.base;

import org.imagetree.InputError;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Builds a minimal Debian root filesystem tarball with the debuerreotype scripts, as Wikimedia's
 * {@code build-bare-slim} does (reference 1.3/1.5), with its defects fixed:
 * <ol>
 *   <li>{@code debuerreotype-init}: Debian snapshot mode at the requested timestamp when snapshot.debian.org
 *       answers quickly; otherwise {@code --non-debian} against the mirror, whose {@code InRelease} date is the epoch;</li>
 *   <li>{@code debuerreotype-minimizing-config};</li>
 *   <li>APT sources: the organisation's sources file (and key, pinning, no recommends) when given, else
 *       {@code <suite>}, {@code -updates} and {@code -security} from the mirror; the deb822 {@code debian.sources}
 *       that snapshot-mode init leaves behind is always removed;</li>
 *   <li>an {@code Acquire::http::Proxy} file for the proxy (debuerreotype 0.15's chroot drops {@code http_proxy}),
 *       removed again before the tarball is written;</li>
 *   <li>{@code apt-get update}, {@code dist-upgrade}; in mirror mode the epoch is recalculated from all Release files;</li>
 *   <li>{@code debuerreotype-slimify}, {@code debuerreotype-tar} (uncompressed: the layer's {@code diff_id}).</li>
 * </ol>
 * Runs as root (debootstrap, unshare). Thread-safe: every build works in its own directory.
 */
public final class DebuerreotypeBuilder {
    public static final String DEFAULT_MIRROR = "http://deb.debian.org/debian";
    public static final String SNAPSHOT_ARCHIVE = "http://snapshot.debian.org/archive/debian/";
    private static final Path KEYRING = Path.of("/usr/share/keyrings/debian-archive-keyring.gpg");
    private static final Pattern SUITE = Pattern.compile("[a-z][a-z0-9.-]*");
    private static final Pattern TIMESTAMP = Pattern.compile("@\\d+|\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2})?Z)?");

    private final Map<String, String> env;
    private final Duration snapshotProbeTimeout;
    private final URI snapshotArchive;

    /**
     * @param env                  the environment: {@code http_proxy}/{@code https_proxy}/{@code no_proxy} go to
     *                             debootstrap and into the rootfs' APT proxy file
     * @param snapshotArchive      where snapshot mode fetches from (probed before use)
     * @param snapshotProbeTimeout how long the probe may take before the mirror is used instead
     */
    public DebuerreotypeBuilder(Map<String, String> env, URI snapshotArchive, Duration snapshotProbeTimeout) {
        this.env = Map.copyOf(env);
        this.snapshotArchive = snapshotArchive;
        this.snapshotProbeTimeout = snapshotProbeTimeout;
    }

    public DebuerreotypeBuilder(Map<String, String> env) {
        this(env, URI.create(SNAPSHOT_ARCHIVE), Duration.ofSeconds(3));
    }

    /**
     * What to build.
     *
     * @param suite          Debian suite or codename (bookworm, trixie, …)
     * @param timestamp      snapshot time ({@code 2025-01-01T00:00:00Z} or {@code @epoch}); empty: the mirror as it is now
     * @param mirror         the mirror to use when snapshot mode is not possible
     * @param aptSources     the organisation's sources.list for this suite (replaces the Debian ones)
     * @param aptKey         a key for those sources ({@code .gpg} or {@code .asc}) installed in {@code trusted.gpg.d}
     * @param aptPreferences APT pinning installed as {@code preferences.d/imagetree}
     */
    public record Request(String suite, Optional<String> timestamp, String mirror, Optional<Path> aptSources,
                          Optional<Path> aptKey, Optional<Path> aptPreferences) {
        public Request {
            if (!SUITE.matcher(suite).matches()) throw new InputError("invalid Debian suite '" + suite + "'");
            timestamp.ifPresent(t -> {
                if (!TIMESTAMP.matcher(t).matches() || !isDate(t)) {
                    throw new InputError("invalid --timestamp '" + t + "' (YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS]Z or @EPOCH)");
                }
            });
            URI mirrorUri;
            try {
                mirrorUri = new URI(mirror);
            } catch (java.net.URISyntaxException e) {
                mirrorUri = null;
            }
            if (mirrorUri == null || mirrorUri.getHost() == null
                    || !("http".equals(mirrorUri.getScheme()) || "https".equals(mirrorUri.getScheme()))) {
                throw new InputError("invalid --mirror '" + mirror + "': expected an http(s) URL");
            }
            String[] options = {"--apt-source", "--apt-key", "--apt-preferences"};
            List<Optional<Path>> files = List.of(aptSources, aptKey, aptPreferences);
            for (int i = 0; i < files.size(); i++) {
                String option = options[i];
                files.get(i).ifPresent(f -> {
                    if (!Files.isRegularFile(f)) throw new InputError(f, 0, option + ": file not found" + (option.equals("--apt-source")
                            ? " (for " + suite + ")" : ""));
                });
            }
        }

        /** A timestamp the regex accepts that is also a real date or time (not 2025-13-45). */
        private static boolean isDate(String t) {
            try {
                if (t.startsWith("@")) return true;
                if (t.length() == 10) java.time.LocalDate.parse(t);
                else java.time.OffsetDateTime.parse(t.length() == 17 ? t.substring(0, 16) + ":00Z" : t);
                return true;
            } catch (java.time.format.DateTimeParseException e) {
                return false;
            }
        }

        public static Request of(String suite) {
            return new Request(suite, Optional.empty(), DEFAULT_MIRROR, Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    /**
     * The result: an uncompressed, reproducible tarball of the root filesystem.
     *
     * @param tarball  {@code rootfs.tar} (sorted, numeric owners, times clamped to the epoch)
     * @param epoch    Unix time of the package set (the image's creation time)
     * @param snapshot whether snapshot.debian.org was used; false: the mirror at build time
     * @param source   the snapshot URL or mirror the packages came from
     * @param version  {@code debuerreotype-version}
     */
    public record Rootfs(Path tarball, long epoch, boolean snapshot, String source, String version) {}

    /** Builds into {@code workDir} (must be empty or absent; the rootfs directory is removed afterwards). */
    public Rootfs build(Request request, Path workDir, Consumer<String> log) throws InterruptedException {
        try {
            Files.createDirectories(workDir);
            Path rootfs = workDir.resolve("rootfs");
            String suite = request.suite();
            boolean snapshot = request.timestamp().isPresent() && snapshotReachable();
            String source;
            if (snapshot) {
                source = snapshotArchive + " @ " + request.timestamp().get();
                run(log, "debuerreotype-init", "--keyring", KEYRING.toString(), rootfs.toString(), suite, request.timestamp().get());
            } else {
                if (request.timestamp().isPresent()) {
                    log.accept("snapshot archive " + snapshotArchive + " does not answer within " + snapshotProbeTimeout.toSeconds()
                            + " s: using the mirror " + request.mirror() + " as it is now, not " + request.timestamp().get());
                }
                source = request.mirror();
                run(log, "debuerreotype-init", "--non-debian", "--keyring", KEYRING.toString(), rootfs.toString(), suite, request.mirror());
            }
            run(log, "debuerreotype-minimizing-config", rootfs.toString());
            writeAptSources(request, rootfs, snapshot);

            Path proxyFile = rootfs.resolve("etc/apt/apt.conf.d/80_proxy");
            Optional<String> proxy = proxy();
            if (proxy.isPresent()) {
                Files.writeString(proxyFile, "Acquire::http::Proxy \"" + proxy.get() + "\";\n");
            }
            try {
                run(log, "debuerreotype-apt-get", rootfs.toString(), "update", "-qq");
                if (!snapshot) run(log, "debuerreotype-recalculate-epoch", rootfs.toString());
                run(log, "debuerreotype-apt-get", rootfs.toString(), "dist-upgrade", "-yqq");
            } finally {
                Files.deleteIfExists(proxyFile);
            }
            if (snapshot && request.aptSources().isEmpty()) {
                // Snapshot sources are for building; the image points at deb.debian.org (the snapshot URL as a comment).
                run(log, "debuerreotype-debian-sources-list", rootfs.toString(), suite);
            }
            run(log, "debuerreotype-slimify", rootfs.toString());
            long epoch = Long.parseLong(Files.readString(rootfs.resolve("debuerreotype-epoch")).trim());
            Path tar = workDir.resolve("rootfs.tar");
            run(log, "debuerreotype-tar", rootfs.toString(), tar.toString());
            String version = run(line -> { }, "debuerreotype-version").trim();
            run(line -> { }, "rm", "-rf", "--one-file-system", rootfs.toString());
            return new Rootfs(tar, epoch, snapshot, source, version);
        } catch (IOException e) {
            throw new UncheckedIOException("base image " + request.suite() + ": " + e.getMessage(), e);
        }
    }

    private void writeAptSources(Request request, Path rootfs, boolean snapshot) throws IOException {
        Path apt = rootfs.resolve("etc/apt");
        String suite = request.suite();
        if (request.aptSources().isPresent()) {
            // Wikimedia copies its sources.list but leaves init's deb822 debian.sources behind (reference 1.6).
            Files.deleteIfExists(apt.resolve("sources.list.d/debian.sources"));
            Files.copy(request.aptSources().get(), apt.resolve("sources.list"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(apt.resolve("apt.conf.d/00InstallRecommends"), "APT::Install-Recommends \"false\";\n");
        } else if (!snapshot) {
            // --non-debian init writes the one mirror line; add updates and security so dist-upgrade gets the fixes.
            Files.deleteIfExists(apt.resolve("sources.list.d/debian.sources"));
            String security = request.mirror().equals(DEFAULT_MIRROR) ? "http://deb.debian.org/debian-security"
                    : request.mirror().replaceAll("/debian/?$", "/debian-security");
            Files.writeString(apt.resolve("sources.list"), String.join("\n",
                    "deb " + request.mirror() + " " + suite + " main",
                    "deb " + request.mirror() + " " + suite + "-updates main",
                    "deb " + security + " " + suite + "-security main", ""));
        }
        if (request.aptKey().isPresent()) {
            Path key = request.aptKey().get();
            String ext = key.getFileName().toString().endsWith(".asc") ? ".asc" : ".gpg";
            Files.copy(key, apt.resolve("trusted.gpg.d/imagetree-" + suite + ext), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        if (request.aptPreferences().isPresent()) {
            Files.createDirectories(apt.resolve("preferences.d"));
            Files.copy(request.aptPreferences().get(), apt.resolve("preferences.d/imagetree"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private Optional<String> proxy() {
        return Optional.ofNullable(env.get("http_proxy")).or(() -> Optional.ofNullable(env.get("HTTP_PROXY"))).filter(s -> !s.isBlank());
    }

    /** Whether the snapshot archive answers within the probe timeout (it is unreachable from many build hosts). */
    boolean snapshotReachable() {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(snapshotProbeTimeout);
        proxy().ifPresent(p -> {
            URI u = URI.create(p);
            b.proxy(java.net.ProxySelector.of(new java.net.InetSocketAddress(u.getHost(), u.getPort() < 0 ? 80 : u.getPort())));
        });
        try {
            HttpResponse<Void> r = b.build().send(HttpRequest.newBuilder(snapshotArchive).timeout(snapshotProbeTimeout)
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() < 500;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs one command, streaming its output to {@code log}; fails with the last lines when it exits non-zero. */
    private String run(Consumer<String> log, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> pe = pb.environment();
        for (String k : List.of("http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY")) {
            if (env.containsKey(k)) pe.put(k, env.get(k));
        }
        pe.put("DEBIAN_FRONTEND", "noninteractive");
        Process p = pb.start();
        StringBuilder out = new StringBuilder();
        List<String> tail = new ArrayList<>();
        // The output is read on its own thread so that this one waits interruptibly: an abort (interrupt) then kills
        // the command and everything it started (debootstrap, dpkg in the chroot) instead of letting it run to the end.
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    log.accept(line);
                    synchronized (out) {
                        out.append(line).append('\n');
                        tail.add(line);
                        if (tail.size() > 15) tail.remove(0);
                    }
                }
            } catch (IOException e) {
                // the process was killed or closed its output: waitFor below decides
            }
        }, "debuerreotype-output " + cmd[0]);
        reader.setDaemon(true);
        reader.start();
        try {
            p.waitFor();
            reader.join();
        } catch (InterruptedException e) {
            destroyTree(p);
            reader.join(5000);
            throw e;
        }
        int code = p.exitValue();
        synchronized (out) {
            if (code != 0) {
                throw new BaseImageException(cmd[0] + " exited " + code + (tail.isEmpty() ? "" : ":\n" + String.join("\n", tail)));
            }
            return out.toString();
        }
    }

    /** Kills a command and every process below it (children first, so none is re-parented and left running). */
    private static void destroyTree(Process p) {
        List<ProcessHandle> below = p.descendants().toList();
        for (int i = below.size() - 1; i >= 0; i--) below.get(i).destroyForcibly();
        p.destroyForcibly();
        for (ProcessHandle h : below) h.onExit().completeOnTimeout(h, 10, java.util.concurrent.TimeUnit.SECONDS).join();
        try {
            p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
