package org.imagetree.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LabelsTest {
    @Test
    void joinsLikeOsPathJoinSkippingEmptyParts() {
        assertThat(Labels.label("docker-registry.wikimedia.org", "", "python3", "0.1")).isEqualTo("docker-registry.wikimedia.org/python3:0.1");
        assertThat(Labels.label("localhost:5000", "istio", "build", "1.2")).isEqualTo("localhost:5000/istio/build:1.2");
        assertThat(Labels.label("", "", "bookworm", "1")).isEqualTo("bookworm:1");
        assertThat(Labels.label("reg.example/", "/ns/", "x", "1")).isEqualTo("reg.example/ns/x:1");
    }

    @Test
    void splitsTheTagAfterTheLastSlashSoPortsSurvive() {
        assertThat(Labels.repositoryOf("localhost:5000/app:1.0")).isEqualTo("localhost:5000/app");
        assertThat(Labels.repositoryOf("localhost:5000/app")).isEqualTo("localhost:5000/app");
        assertThat(Labels.repositoryOf("mirror.example:8443/ns/app@sha256:abcd")).isEqualTo("mirror.example:8443/ns/app");
        assertThat(Labels.tagOf("localhost:5000/app")).isEqualTo("latest");
        assertThat(Labels.tagOf("localhost:5000/app:2-s1")).isEqualTo("2-s1");
    }
}
