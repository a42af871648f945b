package org.imagetree.blubber.acceptance;

import org.imagetree.execute.DockerCli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The base images the scenarios name, made locally once (and kept): debian:bullseye and debian:bookworm from
 * Debian packages (scripts/base-image.sh, debootstrap), debian:stable as a tag of bookworm. Docker Hub is
 * unreachable here, so the golang and node bases are <em>substitutes</em> built from Debian's own packages
 * (golang-go, nodejs + npm) and labelled {@value #SUBSTITUTE_LABEL}; python and docker-registry.wikimedia.org
 * bases are not made (those scenarios need PyPI or Wikimedia's repositories anyway).
 */
final class BaseImages {
    static final String SUBSTITUTE_LABEL = "org.imagetree.test.substitute";
    private static final String GOLANG = """
            FROM debian:bookworm
            RUN apt-get update && apt-get install -y --no-install-recommends golang-go ca-certificates git \\
                && rm -rf /var/lib/apt/lists/*
            ENV GOPATH=/go PATH=/go/bin:/usr/lib/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
            RUN mkdir -p /go/src /go/bin && chmod -R 1777 /go
            WORKDIR /go
            """;
    private static final String NODE = """
            FROM %s
            RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm ca-certificates \\
                && rm -rf /var/lib/apt/lists/*
            COPY ca/ /usr/local/share/ca-certificates/
            RUN update-ca-certificates
            ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
            CMD ["node"]
            """;

    private final DockerCli docker;
    private final Path repo;

    BaseImages(DockerCli docker, Path repo) {
        this.docker = docker;
        this.repo = repo;
    }

    /** Makes the image if this fixture knows how; returns false when it cannot exist here. */
    synchronized boolean ensure(String image) {
        if (docker.imageExists(image)) return true;
        switch (image) {
            case "debian:bullseye" -> debootstrap("bullseye", image);
            case "debian:bookworm" -> debootstrap("bookworm", image);
            case "debian:stable" -> {
                if (!ensure("debian:bookworm")) return false;
                docker.tag("debian:bookworm", image);
            }
            case "golang:1.18", "golang:1.23" -> substitute(image, GOLANG, "debian:bookworm", "Debian bookworm golang-go");
            case "node:20-bullseye" -> substitute(image, NODE.formatted("debian:bullseye"), "debian:bullseye", "Debian bullseye nodejs+npm");
            case "node:22-bookworm" -> substitute(image, NODE.formatted("debian:bookworm"), "debian:bookworm", "Debian bookworm nodejs+npm");
            default -> {
                return false;
            }
        }
        return docker.imageExists(image);
    }

    /** True when the image is a Debian-built stand-in for a Docker Hub image. */
    boolean isSubstitute(String image) {
        return docker.imageExists(image)
                && !docker.inspect(image, "{{index .Config.Labels \"" + SUBSTITUTE_LABEL + "\"}}").isEmpty()
                && !docker.inspect(image, "{{index .Config.Labels \"" + SUBSTITUTE_LABEL + "\"}}").equals("<no value>");
    }

    private void substitute(String image, String dockerfile, String base, String description) {
        if (!ensure(base)) throw new IllegalStateException("cannot make " + base);
        Path context;
        try {
            context = java.nio.file.Files.createTempDirectory("blubber-substitute");
            copyHostCaCertificates(context.resolve("ca"));
            docker.build(new DockerCli.BuildRequest(context, dockerfile, List.of(image), Map.of(),
                    Map.of(SUBSTITUTE_LABEL, description), false, "", false), line -> { });
            ImageFiles.deleteTree(context);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The host's locally added CA certificates (public certificates, e.g. of an egress proxy), so that package
     * managers inside substitute images trust the same registries as the host's own npm.
     */
    private static void copyHostCaCertificates(Path target) throws IOException {
        java.nio.file.Files.createDirectories(target);
        Path local = Path.of("/usr/local/share/ca-certificates");
        if (!java.nio.file.Files.isDirectory(local)) return;
        try (var s = java.nio.file.Files.list(local)) {
            for (Path crt : s.filter(p -> p.toString().endsWith(".crt")).toList()) {
                java.nio.file.Files.copy(crt, target.resolve(crt.getFileName()));
            }
        }
    }

    private void debootstrap(String suite, String ref) {
        ProcessBuilder pb = new ProcessBuilder(List.of("bash", repo.resolve("scripts/base-image.sh").toString(), ref))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(Map.of("SUITE", suite, "DOCKER", docker.executable().toString()));
        try {
            int rc = pb.start().waitFor();
            if (rc != 0) throw new IllegalStateException("base-image.sh " + ref + " failed with exit " + rc);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
