package org.imagetree.policy.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.imagetree.policy.admission.AdmissionRequests.MAPPER;
import static org.imagetree.policy.admission.AdmissionRequests.object;
import static org.imagetree.policy.admission.AdmissionRequests.podSpec;
import static org.imagetree.policy.admission.AdmissionRequests.review;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.imagetree.policy.RegistryPolicy;
import org.imagetree.policy.admission.AdmissionReviewer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ValidatingAdmissionPolicy that {@code policy manifests} writes, evaluated ({@link PolicyEvaluator}, CEL's Java
 * implementation), and the webhook's {@link AdmissionReviewer} give the same answer, case by case: every image string
 * the webhook and the registry policy are tested with (AdmissionWebhookServerTest, AdmissionReviewerTest,
 * RegistryPolicyTest's reference table) and the ways a reference can be written oddly (host case, Docker Hub's names,
 * lengths at the limit, whitespace, look-alike letters), in every container list of every workload kind, under four
 * policies; and the shapes that are not about one image (exempt namespaces, other kinds, DELETE, a container without
 * an image).
 */
class PolicyWebhookAgreementTest {
    static final String SHA = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    static final String GOOD = "docker-registry.wikimedia.org/python3:1.0";
    static final List<String> EXEMPT = List.of("kube-system", "imagetree-webhook");

    /** The policies: the webhook tests', the registry policy table's, and two with Docker Hub; each with an image it allows. */
    enum Policy {
        WEBHOOK_TESTS(RegistryPolicy.forDeployment(List.of("docker-registry.wikimedia.org"), "docker-registry.wikimedia.org", List.of("bookworm")), GOOD),
        REFERENCE_TABLE(RegistryPolicy.forDeployment(List.of("docker-registry.wikimedia.org", "localhost:5000", "registry.example/team"),
                "docker-registry.wikimedia.org", List.of("bookworm:latest", "docker-registry.wikimedia.org/bullseye")), GOOD),
        DOCKER_HUB(RegistryPolicy.forDeployment(List.of("docker.io", "docker-registry.wikimedia.org", "[::1]:5000"), "docker-registry.wikimedia.org",
                List.of("debian", "bitnami/redis", "docker-registry.wikimedia.org/bookworm:latest")), GOOD),
        HUB_OFFICIAL_IMAGES(RegistryPolicy.forDeployment(List.of("index.docker.io/library", "registry.example:5000/team", "docker.io/wikimedia"),
                "", List.of("bookworm", "library/debian:12")), "registry.example:5000/team/app:1");

        final RegistryPolicy policy;
        final String good;
        final AdmissionReviewer webhook;
        final PolicyEvaluator cel;

        Policy(RegistryPolicy policy, String good) {
            this.policy = policy;
            this.good = good;
            this.webhook = new AdmissionReviewer(policy, Set.copyOf(EXEMPT), MAPPER);
            AdmissionManifests m = AdmissionManifests.forPolicy(policy).exempting(EXEMPT);
            this.cel = new PolicyEvaluator(m.validatingAdmissionPolicy(), m.validatingAdmissionPolicyBinding());
        }
    }

    /** Every image string of the table. */
    static List<String> images() {
        Set<String> images = new LinkedHashSet<>();
        // AdmissionWebhookServerTest, AdmissionReviewerTest, WebhookSlowClientsTest
        images.addAll(List.of(GOOD, "docker-registry.wikimedia.org/bookworm:20240101", "nginx:1.25", "ghcr.io/x/init", "evil.example/x:7",
                "nginx", GOOD + "x", "busybox", "registry.example/app:1"));
        // RegistryPolicyTest's reference table and its other cases
        images.addAll(List.of("docker-registry.wikimedia.org/python3", "docker-registry.wikimedia.org/python3:0.1.2",
                "docker-registry.wikimedia.org/python3-build-bookworm:0.0.1-20240101", "docker-registry.wikimedia.org/ml/amd-pytorch-common",
                "DOCKER-REGISTRY.Wikimedia.ORG/python3", "docker-registry.wikimedia.org/python3@" + SHA, "docker-registry.wikimedia.org/python3:1.0@" + SHA,
                "docker-registry.wikimedia.org/bookworm-extra", "docker-registry.wikimedia.org/releng/bookworm", "docker-registry.wikimedia.org/bookworm",
                "docker-registry.wikimedia.org/bookworm@" + SHA, "Docker-Registry.Wikimedia.Org/bullseye:latest",
                "docker-registry.wikimedia.org.evil.example/python3", "evil.example/docker-registry.wikimedia.org/python3",
                "docker-registry.wikimedia.org:443/python3", "docker-registry.wikimedia.org:5000/python3", "wikimedia.org/python3",
                "registry.wikimedia.org/python3", "library/nginx", "docker.io/nginx", "index.docker.io/library/nginx", "bitnami/redis:7",
                "docker-registry/python3", "debian@" + SHA, "localhost:5000/app", "localhost:5000/ns/app:1", "localhost/app", "localhost:5001/app",
                "127.0.0.1:5000/app", "[::1]:5000/app", "registry.example/team/app", "registry.example/team/sub/app:2", "registry.example/teamevil/app",
                "registry.example/team", "registry.example/other/app", "registry.example:443/team/app", "ghcr.io/org/app:1",
                "quay.io/prometheus/node-exporter", "gcr.io/distroless/static@" + SHA, "Python3", "docker-registry.wikimedia.org/python3:",
                "docker-registry.wikimedia.org/", "docker-registry.wikimedia.org//python3", "docker-registry.wikimedia.org/python3@sha256:abc",
                "docker-registry.wikimedia.org/${BASE_IMAGE}", "docker-registry.wikimedia.org@evil.example/x", "docker-registry.wikimedia.org/python3:a/b",
                "localhost:5000/bookworm@sha256:" + "a".repeat(64), "registry.example/team/bookworm:1", "docker-registry.wikimedia.org/releng/trixie:2",
                "docker-registry.wikimedia.org/other/bookworm:1", "docker-registry.wikimedia.org/trixie:1", "mirror.example:5000/bookworm:20240101",
                "debian:bookworm"));
        // written oddly
        images.addAll(List.of("", " ", GOOD + " ", " " + GOOD, GOOD + "\n", "\t" + GOOD,
                "docker-registry.wi\u212Aimedia.org/python3", "docker-regi\u017Ftry.wikimedia.org/python3", // Kelvin sign, long s
                "docker-registry.wikimedia.org/pythön3", "docker-registry.wikimedia.org/Python3", "docker-registry.wikimedia.org/python3:-1",
                "docker-registry.wikimedia.org/python3:" + "t".repeat(128), "docker-registry.wikimedia.org/python3:" + "t".repeat(129),
                "docker-registry.wikimedia.org/python3:1:2", "docker-registry.wikimedia.org/python3@@" + SHA, "docker-registry.wikimedia.org/./x",
                "docker-registry.wikimedia.org/x/", "docker-registry.wikimedia.org/a__b", "docker-registry.wikimedia.org/a___b",
                "docker-registry.wikimedia.org/a..b", "docker-registry.wikimedia.org/a--b", "docker-registry.wikimedia.org/-a",
                "docker-registry.wikimedia.org/python3@SHA256:" + "A".repeat(64), "docker-registry.wikimedia.org/python3:1@sha512:" + "b".repeat(128),
                "docker-registry.wikimedia.org/" + "a".repeat(225), "docker-registry.wikimedia.org/" + "a".repeat(226),
                "docker-registry.wikimedia.org/x/" + "a".repeat(223) + ":1", "docker-registry.wikimedia.org/x/" + "a".repeat(224) + ":1",
                "DOCKER.IO/library/nginx", "Index.Docker.IO/nginx", "registry-1.docker.io/bitnami/redis", "docker.io/library/debian:12",
                "library/debian", "debian", "docker.io/debian", "bitnami/redis", "docker.io/bitnami/redis@" + SHA, "docker.io/library/bitnami/redis",
                "localhost", "localhost:5000", "LOCALHOST/x", "my.ns/x", "my_ns/x", "wikimedia/app:1", "docker.io/wikimedia/app", "wikimediaevil/app",
                "a".repeat(237), "a".repeat(238), "docker.io/" + "a".repeat(237), "docker.io/" + "a".repeat(238),
                "ns/" + "a".repeat(242), "ns/" + "a".repeat(243), "docker.io/library/" + "a".repeat(237), "library/" + "a".repeat(238),
                "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "bookworm", "library/bookworm", "docker.io/bookworm",
                "docker-registry.wikimedia.org/library/bookworm", "registry.example:5000/team/bookworm", "registry.example:5000/team/app",
                "Registry.Example:5000/team/app", "registry.example:5000/Team/app", "[::1]:5000/bookworm", "[::1]:5000/debian:1",
                "docker-registry.wikimedia.org/debian", "docker-registry.wikimedia.org/bitnami/redis", "registry.example/team/debian"));
        return List.copyOf(images);
    }

    /** Where the image goes: every container list, of every kind. */
    enum Slot { CONTAINER, INIT, EPHEMERAL }

    static Stream<Arguments> table() {
        List<Arguments> rows = new ArrayList<>();
        for (Policy p : Policy.values()) {
            for (WorkloadKind kind : WorkloadKind.values()) {
                for (Slot slot : Slot.values()) rows.add(Arguments.of(p, kind, slot));
            }
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("table")
    void theEvaluatedPolicyAndTheWebhookAgreeOnEveryImage(Policy p, WorkloadKind kind, Slot slot) {
        List<String> disagreements = new ArrayList<>();
        int allowed = 0;
        for (String image : images()) {
            ObjectNode spec = switch (slot) {
                case CONTAINER -> podSpec(image, null, null);
                case INIT -> podSpec(p.good, image, null);
                case EPHEMERAL -> podSpec(p.good, null, image);
            };
            ObjectNode request = review("u", kind, "default", object(kind, spec));
            boolean webhook = p.webhook.review(request).allowed();
            PolicyEvaluator.Decision cel = p.cel.evaluate(request);
            if (webhook != cel.allowed()) {
                disagreements.add("'" + image.replace("\n", "\\n") + "': webhook " + (webhook ? "allows" : "denies") + ", policy "
                        + (cel.allowed() ? "allows" : "denies " + cel.messages()));
            }
            if (cel.allowed()) allowed++;
            // the policy denies by its validations, never by an expression that failed
            assertThat(cel.messages()).noneMatch(m -> m.contains("failed"));
            if (!cel.allowed() && !image.isBlank()) assertThat(String.join("\n", cel.messages())).contains(image);
        }
        assertThat(disagreements).as("images on which the policy and the webhook disagree").isEmpty();
        assertThat(p.webhook.review(review("u", kind, "default", object(kind, podSpec(p.good, p.good, p.good)))).allowed()).isTrue();
        assertThat(allowed).as("allowed images").isBetween(5, images().size() - 50);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void theyAgreeOnWhatIsNotAboutOneImage(Policy p) {
        List<ObjectNode> requests = new ArrayList<>();
        for (WorkloadKind kind : WorkloadKind.values()) {
            requests.add(review("exempt", kind, "kube-system", object(kind, podSpec("evil.example/x", null, null))));
            requests.add(review("own-namespace", kind, "imagetree-webhook", object(kind, podSpec("evil.example/x", null, null))));
            ObjectNode noImage = MAPPER.createObjectNode();
            noImage.putArray("containers").addObject().put("name", "app");
            requests.add(review("no-image", kind, "default", object(kind, noImage)));
            ObjectNode update = review("update", kind, "default", object(kind, podSpec("evil.example/x", null, null)));
            ((ObjectNode) update.get("request")).put("operation", "UPDATE");
            requests.add(update);
        }
        requests.add(review("service", "", "Service", "services", "default", "CREATE", MAPPER.createObjectNode().put("kind", "Service")));
        requests.add(review("delete", "", "Pod", "pods", "default", "DELETE", null));
        requests.add(review("pod-in-apps", "apps", "Pod", "pods", "default", "CREATE", object(WorkloadKind.POD, podSpec("evil.example/x", null, null))));
        ObjectNode debug = review("debug", WorkloadKind.POD, "default", object(WorkloadKind.POD, podSpec(GOOD, null, "busybox")));
        ((ObjectNode) debug.get("request")).put("operation", "UPDATE").put("subResource", "ephemeralcontainers");
        requests.add(debug);

        List<String> disagreements = new ArrayList<>();
        for (ObjectNode r : requests) {
            boolean webhook = p.webhook.review(r).allowed();
            PolicyEvaluator.Decision cel = p.cel.evaluate(r);
            if (webhook != cel.allowed()) disagreements.add(r.path("request").toString() + ": webhook " + webhook + ", policy " + cel);
        }
        assertThat(disagreements).isEmpty();
    }

    static Stream<Policy> policies() {
        return Stream.of(Policy.values());
    }
}
