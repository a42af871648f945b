package org.imagetree.policy.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.imagetree.policy.admission.AdmissionRequests.MAPPER;
import static org.imagetree.policy.admission.AdmissionRequests.object;
import static org.imagetree.policy.admission.AdmissionRequests.podSpec;
import static org.imagetree.policy.admission.AdmissionRequests.review;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;
import org.imagetree.policy.RegistryPolicy;
import org.imagetree.policy.kubernetes.WorkloadKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AdmissionReviewerTest {
    static final String GOOD = "docker-registry.wikimedia.org/python3:1.0";
    final AdmissionReviewer reviewer = new AdmissionReviewer(
            RegistryPolicy.forDeployment(List.of("docker-registry.wikimedia.org"), "docker-registry.wikimedia.org", List.of("bookworm")),
            Set.of("kube-system"), MAPPER);

    @ParameterizedTest
    @EnumSource(WorkloadKind.class)
    void everyContainerListOfEveryKindIsChecked(WorkloadKind kind) {
        assertThat(reviewer.review(review("u1", kind, "default", object(kind, podSpec(GOOD, GOOD, GOOD)))).allowed()).isTrue();
        AdmissionReviewer.Decision d = reviewer.review(review("u2", kind, "default",
                object(kind, podSpec("nginx", GOOD + "x", "docker-registry.wikimedia.org/bookworm:20240101"))));
        assertThat(d.allowed()).isFalse();
        assertThat(d.problems()).hasSize(2);
        assertThat(d.problems().get(0)).startsWith("container 'app' uses image 'nginx': is not from an allowed registry");
        assertThat(d.problems().get(1)).startsWith("container 'debugger' (ephemeral) uses image 'docker-registry.wikimedia.org/bookworm:20240101': is a base image");
    }

    @Test
    void initContainersAreNamedAsSuch() {
        AdmissionReviewer.Decision d = reviewer.review(review("u", WorkloadKind.POD, "default", object(WorkloadKind.POD, podSpec(GOOD, "busybox", null))));
        assertThat(d.message()).isEqualTo("container 'setup' (init) uses image 'busybox': is not from an allowed registry: it resolves to"
                + " 'docker.io/library/busybox:latest' (registry 'docker.io'); allowed: docker-registry.wikimedia.org");
    }

    @Test
    void responseEchoesUidAndCarries403WithTheMessage() {
        AdmissionReviewer.Decision d = reviewer.review(review("abc-123", WorkloadKind.POD, "default", object(WorkloadKind.POD, podSpec("nginx", null, null))));
        JsonNode r = reviewer.response(d);
        assertThat(r.path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
        assertThat(r.path("kind").asText()).isEqualTo("AdmissionReview");
        assertThat(r.path("response").path("uid").asText()).isEqualTo("abc-123");
        assertThat(r.path("response").path("allowed").asBoolean(true)).isFalse();
        assertThat(r.path("response").path("status").path("code").asInt()).isEqualTo(403);
        assertThat(r.path("response").path("status").path("message").asText()).contains("'nginx'");
        JsonNode ok = reviewer.response(new AdmissionReviewer.Decision("u", true, List.of()));
        assertThat(ok.path("response").has("status")).isFalse();
        assertThat(ok.path("response").path("allowed").asBoolean(false)).isTrue();
    }

    @Test
    void exemptNamespacesUnknownKindsAndDeletesAreAllowed() {
        assertThat(reviewer.review(review("u", WorkloadKind.POD, "kube-system", object(WorkloadKind.POD, podSpec("nginx", null, null)))).allowed()).isTrue();
        ObjectNode cm = MAPPER.createObjectNode().put("kind", "ConfigMap");
        assertThat(reviewer.review(review("u", "", "ConfigMap", "configmaps", "default", "CREATE", cm)).allowed()).isTrue();
        assertThat(reviewer.review(review("u", "apps", "Pod", "pods", "default", "CREATE", object(WorkloadKind.POD, podSpec("nginx", null, null)))).allowed())
                .as("Pod is a core kind, not apps").isTrue();
        assertThat(reviewer.review(review("u", "", "Pod", "pods", "default", "DELETE", null)).allowed()).isTrue();
    }

    @Test
    void containerWithoutImageIsDenied() {
        ObjectNode spec = MAPPER.createObjectNode();
        spec.putArray("containers").addObject().put("name", "app");
        AdmissionReviewer.Decision d = reviewer.review(review("u", WorkloadKind.JOB, "default", object(WorkloadKind.JOB, spec)));
        assertThat(d.allowed()).isFalse();
        assertThat(d.message()).isEqualTo("container 'app' has no image");
    }

    @Test
    void malformedReviewsAreRejected() {
        ObjectNode good = review("u", WorkloadKind.POD, "default", object(WorkloadKind.POD, podSpec(GOOD, null, null)));
        assertThatThrownBy(() -> reviewer.review(MAPPER.createArrayNode())).isInstanceOf(BadAdmissionRequest.class);
        assertThatThrownBy(() -> reviewer.review(good.deepCopy().put("apiVersion", "admission.k8s.io/v1beta1"))).hasMessageContaining("apiVersion");
        assertThatThrownBy(() -> reviewer.review(good.deepCopy().put("kind", "Pod"))).hasMessageContaining("kind must be");
        ObjectNode noUid = good.deepCopy();
        ((ObjectNode) noUid.get("request")).remove("uid");
        assertThatThrownBy(() -> reviewer.review(noUid)).hasMessage("missing request.uid");
        ObjectNode numericUid = good.deepCopy();
        ((ObjectNode) numericUid.get("request")).put("uid", 5);
        assertThatThrownBy(() -> reviewer.review(numericUid)).hasMessage("missing request.uid");
        ObjectNode noObject = good.deepCopy();
        ((ObjectNode) noObject.get("request")).remove("object");
        assertThatThrownBy(() -> reviewer.review(noObject)).hasMessage("missing request.object for CREATE");
        ObjectNode noRequest = good.deepCopy();
        noRequest.remove("request");
        assertThatThrownBy(() -> reviewer.review(noRequest)).hasMessage("missing request");
    }
}
