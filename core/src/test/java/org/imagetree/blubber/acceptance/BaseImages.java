package org.imagetree.blubber.acceptance;

import org.imagetree.execute.DockerCli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The base images the scenarios name, made locally once per run: debian:bullseye and debian:bookworm from
 * Debian packages (scripts/base-image.sh, debootstrap), debian:stable as a tag of bookworm. Other bases
 * (golang, node, python, docker-registry.wikimedia.org) come from registries this machine cannot reach.
 */
final class BaseImages {
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
            default -> {
                return false;
            }
        }
        return docker.imageExists(image);
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
