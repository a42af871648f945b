package org.imagetree.policy.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.imagetree.policy.RegistryPolicy;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

class AdmissionManifestsTest {
    static final String CA_PEM = """
            -----BEGIN CERTIFICATE-----
            MIIBfzCCASWgAwIBAgIUZDLFaR5LyddwZJJVRJTeeJ+bcxowCgYIKoZIzj0EAwIw
            FDESMBAGA1UEAwwJdGVzdC1yb290MCAXDTI2MTEyNzE5MjUyMVoYDzIxMjYxMTAz
            MTkyNTIxWjAUMRIwEAYDVQQDDAl0ZXN0LXJvb3QwWTATBgcqhkjOPQIBBggqhkjO
            PQMBBwNCAAT+RYzc2OpFRVstKMh0Sot9dcFrcMiMKkwkL7Fe/zWIFsZ09UfiZy8i
            apwDnwDFCnrh/X63gBi/Vqz4H2CoY+vjo1MwUTAdBgNVHQ4EFgQUXeWCDzCcqie/
            M+JM92dR9VYHFPIwHwYDVR0jBBgwFoAUXeWCDzCcqie/M+JM92dR9VYHFPIwDwYD
            VR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiEAtnd9Upu6dj6Fwd3mk+cS
            DZhdqlkHPO7hWozkAwEGfDwCIBqLRehp0ZqovpfsKNmnqWVc20+a7zoltYqdMMPc
            wLm6
            -----END CERTIFICATE-----
            """;

    private final AdmissionManifests manifests = AdmissionManifests.forPolicy(RegistryPolicy.forDeployment(
                    List.of("docker-registry.wikimedia.org", "registry.example/team"), "docker-registry.wikimedia.org",
                    List.of("bookworm:latest", "bullseye")))
            .exempting(List.of("kube-system", "imagetree-webhook"));

    @Test
    void yamlIsTwoDocumentsThatParseBackToTheModel() {
        String yaml = manifests.toYaml();
        List<Map<String, Object>> docs = loadAll(yaml);
        assertThat(docs).extracting(d -> d.get("kind")).containsExactly("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding");
        assertThat(docs).extracting(d -> d.get("apiVersion")).containsOnly("admissionregistration.k8s.io/v1");
        String[] parts = yaml.split("(?m)^---\\s*$");
        assertThat(Serialization.unmarshal(parts[1], ValidatingAdmissionPolicy.class)).isEqualTo(manifests.validatingAdmissionPolicy());
        assertThat(Serialization.unmarshal(parts[2], ValidatingAdmissionPolicyBinding.class)).isEqualTo(manifests.validatingAdmissionPolicyBinding());
    }

    @Test
    @SuppressWarnings("unchecked")
    void policyMatchesEveryWorkloadResourceOnCreateAndUpdateOutsideExemptNamespaces() {
        Map<String, Object> policy = loadAll(manifests.toYaml()).get(0);
        assertThat(at(policy, "metadata", "name")).isEqualTo("imagetree-registry-policy");
        Map<String, Object> spec = (Map<String, Object>) policy.get("spec");
        assertThat(spec.get("failurePolicy")).isEqualTo("Fail");
        List<Map<String, Object>> rules = (List<Map<String, Object>>) at(spec, "matchConstraints", "resourceRules");
        assertThat(rules).extracting(r -> r.get("apiGroups")).containsExactly(List.of(""), List.of("apps"), List.of("batch"));
        assertThat(rules).allSatisfy(r -> assertThat(r.get("operations")).isEqualTo(List.of("CREATE", "UPDATE")));
        List<Object> resources = new ArrayList<>();
        rules.forEach(r -> resources.addAll((List<Object>) r.get("resources")));
        assertThat(resources).containsExactly("pods", "pods/ephemeralcontainers", "replicationcontrollers", "podtemplates",
                "deployments", "statefulsets", "daemonsets", "replicasets", "jobs", "cronjobs");
        assertThat(at(spec, "matchConstraints", "namespaceSelector", "matchExpressions")).isEqualTo(List.of(Map.of(
                "key", "kubernetes.io/metadata.name", "operator", "NotIn", "values", List.of("kube-system", "imagetree-webhook"))));
    }

    @Test
    @SuppressWarnings("unchecked")
    void celVariablesCoverEveryPodSpecPathAndContainerList() {
        Map<String, Object> spec = (Map<String, Object>) loadAll(manifests.toYaml()).get(0).get("spec");
        List<Map<String, Object>> variables = (List<Map<String, Object>>) spec.get("variables");
        assertThat(variables).extracting(v -> v.get("name")).containsExactly("podSpec", "images", "disallowed", "baseImages");
        String podSpec = (String) variables.get(0).get("expression");
        assertThat(podSpec).contains("object.kind == 'Pod' ? object.spec :", "object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec :",
                "object.kind == 'PodTemplate' ? object.template.spec :", "object.spec.template.spec");
        assertThat(podSpec).doesNotContain("?.");
        String images = (String) variables.get(1).get("expression");
        for (String field : List.of("containers", "initContainers", "ephemeralContainers")) {
            assertThat(images).contains("(has(variables.podSpec." + field + ") ? variables.podSpec." + field + ".map(c, has(c.image) ? c.image : '') : [])");
        }
        assertThat((String) variables.get(2).get("expression")).startsWith("variables.images.filter(image, !(");
        assertThat((String) variables.get(3).get("expression")).startsWith("variables.images.filter(image, image.matches(r'^(?:");
    }

    @Test
    @SuppressWarnings("unchecked")
    void validationsMatchReferencesAsTheWebhookParsesThemAndDenyBaseImagesWithAnyTagOrDigest() {
        Map<String, Object> spec = (Map<String, Object>) loadAll(manifests.toYaml()).get(0).get("spec");
        List<Map<String, Object>> validations = (List<Map<String, Object>>) spec.get("validations");
        assertThat(validations).extracting(v -> v.get("expression"))
                .containsExactly("size(variables.disallowed) == 0", "size(variables.baseImages) == 0");
        assertThat((String) validations.get(0).get("messageExpression"))
                .startsWith("'images not from an allowed registry (docker-registry.wikimedia.org, registry.example/team) or not valid references: ' + ")
                .endsWith("variables.disallowed.map(image, \"'\" + image + \"'\").join(', ')");
        assertThat((String) validations.get(1).get("messageExpression")).startsWith("'base images are never deployed: ' + ");
        List<Map<String, Object>> variables = (List<Map<String, Object>>) spec.get("variables");
        String allowed = (String) variables.get(2).get("expression");
        // each allowed registry: its host in any letter case (no (?i): RE2 would fold the Kelvin sign into k), then the
        // grammar of a reference, and a second pattern bounding the name to 255 characters
        String wikimedia = ImageReferenceCel.host("docker-registry.wikimedia.org");
        assertThat(wikimedia).startsWith("[dD][oO][cC][kK][eE][rR]-[rR][eE][gG]").contains("[.]").doesNotContain("(?i");
        assertThat(allowed).contains("image.matches(r'^" + wikimedia + "/" + ImageReferenceCel.PATH + ImageReferenceCel.REFERENCE_END + "')",
                "image.matches(r'^" + wikimedia + "/[a-z0-9._/-]{1,225}(?:[:@]|$)')",
                "image.matches(r'^" + ImageReferenceCel.host("registry.example") + "/team(?:/" + ImageReferenceCel.COMPONENT + ")+")
                .doesNotContain("startsWith('docker-registry");
        // under every allowed registry, and below its path prefix
        String bases = (String) variables.get(3).get("expression");
        for (String base : List.of("docker-registry.wikimedia.org/bookworm", "docker-registry.wikimedia.org/bullseye",
                "registry.example/bookworm", "registry.example/team/bookworm", "registry.example/team/bullseye")) {
            String host = base.substring(0, base.indexOf('/'));
            assertThat(bases).contains(ImageReferenceCel.host(host) + "/" + base.substring(host.length() + 1).replace(".", "[.]"));
        }
        assertThat(bases).endsWith(")(?:[:@]|$)'))");
    }

    @Test
    @SuppressWarnings("unchecked")
    void dockerHubShortNamesAreWrittenWithAndWithoutAHost() {
        Map<String, Object> spec = (Map<String, Object>) loadAll(AdmissionManifests.forPolicy(RegistryPolicy.forDeployment(
                List.of("docker.io"), "", List.of("debian"))).toYaml()).get(0).get("spec");
        List<Map<String, Object>> variables = (List<Map<String, Object>>) spec.get("variables");
        String hub = "(?:" + ImageReferenceCel.host("docker.io") + "|" + ImageReferenceCel.host("index.docker.io") + "|"
                + ImageReferenceCel.host("registry-1.docker.io") + ")";
        assertThat((String) variables.get(2).get("expression"))
                .contains("image.matches(r'^" + hub + "/" + ImageReferenceCel.COMPONENT + ImageReferenceCel.REFERENCE_END + "')")
                .contains("image.matches(r'^" + ImageReferenceCel.COMPONENT + ImageReferenceCel.REFERENCE_END + "')")
                .contains("!image.startsWith('localhost/')")
                .contains("{1,237}"); // docker.io/library/ + 237 = 255
        assertThat((String) variables.get(3).get("expression")).contains(hub + "/(?:library/)?debian", "|(?:library/)?debian)");
    }

    @Test
    @SuppressWarnings("unchecked")
    void withoutDeniedImagesThereIsOnlyTheRegistryValidation() {
        AdmissionManifests plain = AdmissionManifests.forPolicy(RegistryPolicy.of(List.of("r.example"), List.of()));
        Map<String, Object> spec = (Map<String, Object>) loadAll(plain.toYaml()).get(0).get("spec");
        assertThat((List<Object>) spec.get("validations")).hasSize(1);
        assertThat((List<Map<String, Object>>) spec.get("variables")).extracting(v -> v.get("name")).containsExactly("podSpec", "images", "disallowed");
        assertThat(at(spec, "matchConstraints", "namespaceSelector", "matchExpressions"))
                .isEqualTo(List.of(Map.of("key", "kubernetes.io/metadata.name", "operator", "NotIn", "values", List.of("kube-system"))));
    }

    @Test
    @SuppressWarnings("unchecked")
    void bindingDeniesWithThePolicy() {
        Map<String, Object> binding = loadAll(manifests.named("wmf-registry").toYaml()).get(1);
        assertThat(at(binding, "metadata", "name")).isEqualTo("wmf-registry");
        assertThat(at(binding, "spec", "policyName")).isEqualTo("wmf-registry");
        assertThat(at(binding, "spec", "validationActions")).isEqualTo(List.of("Deny"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void webhookConfiguration() {
        WebhookTarget target = new WebhookTarget(URI.create("https://imagetree-webhook.imagetree-webhook.svc:8443/validate"),
                CA_PEM, 5, "registry-policy.wikimedia.org");
        String yaml = manifests.webhookYaml(target);
        List<Map<String, Object>> docs = loadAll(yaml);
        assertThat(docs).singleElement().satisfies(d -> {
            assertThat(d.get("apiVersion")).isEqualTo("admissionregistration.k8s.io/v1");
            assertThat(d.get("kind")).isEqualTo("ValidatingWebhookConfiguration");
        });
        Map<String, Object> webhook = ((List<Map<String, Object>>) docs.get(0).get("webhooks")).get(0);
        assertThat(webhook.get("name")).isEqualTo("registry-policy.wikimedia.org");
        assertThat(at(webhook, "clientConfig", "url")).isEqualTo("https://imagetree-webhook.imagetree-webhook.svc:8443/validate");
        assertThat(new String(Base64.getDecoder().decode((String) at(webhook, "clientConfig", "caBundle")), StandardCharsets.US_ASCII))
                .isEqualTo(CA_PEM);
        assertThat(webhook).containsEntry("failurePolicy", "Fail").containsEntry("sideEffects", "None")
                .containsEntry("admissionReviewVersions", List.of("v1")).containsEntry("timeoutSeconds", 5)
                .containsEntry("matchPolicy", "Equivalent");
        List<Map<String, Object>> rules = (List<Map<String, Object>>) webhook.get("rules");
        List<Object> resources = new ArrayList<>();
        rules.forEach(r -> resources.addAll((List<Object>) r.get("resources")));
        assertThat(resources).containsExactlyInAnyOrder("pods", "pods/ephemeralcontainers", "deployments", "statefulsets",
                "daemonsets", "replicasets", "jobs", "cronjobs", "replicationcontrollers", "podtemplates");
        assertThat(at(webhook, "namespaceSelector", "matchExpressions")).isEqualTo(List.of(Map.of(
                "key", "kubernetes.io/metadata.name", "operator", "NotIn", "values", List.of("kube-system", "imagetree-webhook"))));
        assertThat(Serialization.unmarshal(yaml.substring(yaml.indexOf("---") + 3), ValidatingWebhookConfiguration.class))
                .isEqualTo(manifests.validatingWebhookConfiguration(target));
    }

    @Test
    void webhookTargetIsValidated() {
        assertThatThrownBy(() -> WebhookTarget.of(URI.create("http://x.example/validate"), CA_PEM)).hasMessageContaining("https://");
        assertThatThrownBy(() -> WebhookTarget.of(URI.create("https://u:p@x.example/validate"), CA_PEM)).hasMessageContaining("user info");
        assertThatThrownBy(() -> WebhookTarget.of(URI.create("https://x.example/validate?a=b"), CA_PEM)).hasMessageContaining("query");
        assertThatThrownBy(() -> WebhookTarget.of(URI.create("https://x.example/validate"), "not a pem")).hasMessageContaining("PEM");
        assertThatThrownBy(() -> new WebhookTarget(URI.create("https://x.example/v"), CA_PEM, 31, "a.b.c")).hasMessageContaining("1..30");
        assertThatThrownBy(() -> new WebhookTarget(URI.create("https://x.example/v"), CA_PEM, 10, "short.name")).hasMessageContaining("three labels");
    }

    @Test
    void invalidNamesAreRejected() {
        assertThatThrownBy(() -> manifests.exempting(List.of("Kube_System"))).hasMessageContaining("namespace");
        assertThatThrownBy(() -> manifests.named("Bad Name")).hasMessageContaining("object name");
    }

    @Test
    void celLiteralsEscapeQuotes() {
        assertThat(AdmissionManifests.literal("a'b\\c")).isEqualTo("'a\\'b\\\\c'");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> loadAll(String yaml) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(yaml)) out.add((Map<String, Object>) doc);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object at(Map<String, Object> map, String... path) {
        Object cur = map;
        for (String p : path) cur = ((Map<String, Object>) cur).get(p);
        return cur;
    }
}
