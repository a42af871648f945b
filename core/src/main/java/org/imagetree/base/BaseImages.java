package org.imagetree.base;

import org.imagetree.InputError;
import org.imagetree.config.EngineConfig;
import org.imagetree.execute.ContainerEngine;
import org.imagetree.execute.ContainerEngine.RegistryAuth;
import org.imagetree.model.Labels;
import org.imagetree.registry.RegistryClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * {@code imagetree base build}: for each distribution, a debuerreotype root filesystem, written as a reproducible
 * OCI image and (with {@code publish}) pushed as {@code <registry>/<namespace>/<distro>:YYYYMMDD} and {@code :latest}.
 * A failing distribution is reported and the others go on (Wikimedia's {@code set -e} loop stops at the first).
 */
public final class BaseImages {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    private final EngineConfig config;
    private final DebuerreotypeBuilder builder;
    private final RegistryClient registry;
    private final ContainerEngine engine;
    private final Clock clock;

    /**
     * How to build.
     *
     * @param timestamp      snapshot time; empty: the mirror now
     * @param mirror         Debian mirror when snapshot mode is not used
     * @param aptSources     the organisation's sources file; {@code {distro}} in the path is replaced by the distro
     * @param aptKey         APT key for those sources
     * @param aptPreferences APT pinning
     * @param publish        push to the configured registry (and load into the engine)
     * @param workDir        scratch space (a few hundred MB per distro, removed afterwards)
     */
    public record Options(Optional<String> timestamp, String mirror, Optional<String> aptSources, Optional<Path> aptKey,
                          Optional<Path> aptPreferences, boolean publish, Path workDir) {
        public static Options defaults(Path workDir, boolean publish) {
            return new Options(Optional.empty(), DebuerreotypeBuilder.DEFAULT_MIRROR, Optional.empty(), Optional.empty(),
                    Optional.empty(), publish, workDir);
        }
    }

    /**
     * @param registry needed to publish
     * @param engine   may be null: published images are then not loaded locally
     */
    public BaseImages(EngineConfig config, DebuerreotypeBuilder builder, RegistryClient registry, ContainerEngine engine, Clock clock) {
        this.config = config;
        this.builder = builder;
        this.registry = registry;
        this.engine = engine;
        this.clock = clock;
    }

    /** The repository a distro is published to: {@code registry/namespace/distro}. */
    public String repository(String distro) {
        return Labels.repository(config.registry(), config.namespace(), distro);
    }

    /**
     * Checks every input of {@link #build} before anything runs: the distributions, {@code --timestamp},
     * {@code --mirror}, the APT files for each distro, and a registry to publish to.
     *
     * @throws InputError naming what is wrong (bad input: nothing has been started)
     */
    public void validate(List<String> distros, Options options) {
        if (distros.isEmpty()) throw new InputError("no distribution to build (give DISTRO… or set base_distros)");
        if (options.publish() && (config.registry().isEmpty() || registry == null)) {
            throw new InputError("--publish needs a registry in the configuration");
        }
        for (String distro : distros) request(distro, options);
    }

    private static DebuerreotypeBuilder.Request request(String distro, Options options) {
        return new DebuerreotypeBuilder.Request(distro, options.timestamp(), options.mirror(),
                options.aptSources().map(p -> Path.of(p.replace("{distro}", distro))), options.aptKey(), options.aptPreferences());
    }

    /**
     * Builds every distro in turn; {@code log} receives (distro, line). Bad input fails before anything runs
     * ({@link #validate}); after that a failing distro is reported and the next one goes on. An interrupted build
     * stops its commands and removes its scratch directory before {@link InterruptedException} leaves.
     */
    public List<BaseImageBuild> build(List<String> distros, Options options, BiConsumer<String, String> log) throws InterruptedException {
        validate(distros, options);
        List<BaseImageBuild> out = new ArrayList<>();
        for (String distro : distros) {
            if (Thread.interrupted()) throw new InterruptedException();
            out.add(buildOne(distro, options, line -> log.accept(distro, line)));
        }
        return out;
    }

    private BaseImageBuild buildOne(String distro, Options options, java.util.function.Consumer<String> log) throws InterruptedException {
        Instant t0 = Instant.now();
        Path dir = null;
        try {
            Files.createDirectories(options.workDir());
            dir = Files.createTempDirectory(options.workDir(), "base-" + distro + "-");
            DebuerreotypeBuilder.Rootfs rootfs = builder.build(request(distro, options), dir, log);
            OciImageWriter.OciImage image = toImage(distro, rootfs, dir.resolve("layer.tar.gz"));
            Files.deleteIfExists(rootfs.tarball());
            List<String> published = List.of();
            if (options.publish()) {
                String repo = repository(distro);
                List<String> tags = List.of(DAY.format(clock.instant()), "latest");
                Path layout = OciImageWriter.layout(image, dir.resolve("oci"));
                new BaseImagePublisher(registry, engine, RegistryAuth.of(config)).publish(layout, repo, tags, log);
                published = tags.stream().map(t -> repo + ":" + t).toList();
            }
            return new BaseImageBuild(distro, published, image.manifestDigest(), rootfs.epoch(), rootfs.snapshot(),
                    Duration.between(t0, Instant.now()), Optional.empty());
        } catch (InterruptedException e) {
            throw e;
        } catch (RuntimeException | IOException e) {
            // InputError, BaseImageException, RegistryException, I/O: this distro failed, the next one goes on.
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            log.accept("failed: " + message);
            return new BaseImageBuild(distro, List.of(), null, -1, false, Duration.between(t0, Instant.now()), Optional.of(message));
        } finally {
            if (dir != null) deleteTree(dir);
        }
    }

    /** The OCI image of a built root filesystem: a pure function of the tarball, its epoch, the distro and the host architecture. */
    public static OciImageWriter.OciImage toImage(String distro, DebuerreotypeBuilder.Rootfs rootfs, Path layerOut) {
        String createdBy = "debuerreotype " + rootfs.version() + " " + distro + " from " + rootfs.source();
        return OciImageWriter.write(rootfs.tarball(), rootfs.epoch(), architecture(), createdBy, layerOut);
    }

    private static String architecture() {
        try {
            Process p = new ProcessBuilder("dpkg", "--print-architecture").redirectErrorStream(true).start();
            String arch = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0 || arch.isEmpty()) throw new BaseImageException("dpkg --print-architecture failed: " + arch);
            return OciImageWriter.ociArchitecture(arch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BaseImageException("interrupted");
        }
    }

    /**
     * Removes a scratch directory (root-owned files from the chroot: {@code rm}, on one file system). Also when the
     * thread is interrupted (an aborted run): the interrupt is set aside while {@code rm} runs, then restored.
     */
    static void deleteTree(Path dir) {
        boolean interrupted = Thread.interrupted();
        try {
            Process rm = new ProcessBuilder("rm", "-rf", "--one-file-system", dir.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
            while (true) {
                try {
                    rm.waitFor();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (IOException e) {
            // best effort
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }
}
