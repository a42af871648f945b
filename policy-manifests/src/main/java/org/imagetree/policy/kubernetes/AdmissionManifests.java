package org.imagetree.policy.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchResources;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchResourcesBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.NamedRuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.NamedRuleWithOperationsBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperationsBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBindingBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Validation;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Variable;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.VariableBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.imagetree.policy.AllowedRegistry;
import org.imagetree.policy.RegistryPolicy;

/**
 * Kubernetes objects that enforce a {@link RegistryPolicy} at admission: a CEL
 * {@code ValidatingAdmissionPolicy} with its binding (no server needed), and the
 * {@code ValidatingWebhookConfiguration} for {@code AdmissionWebhookServer}. Built from the fabric8 model, so
 * the YAML is structurally valid by construction.
 *
 * <p>The CEL policy decides each image as the webhook does ({@link ImageReferenceCel}): a valid reference, in an
 * allowed registry after Docker's normalisation (so {@code nginx} is {@code docker.io/library/nginx}, a host in
 * capitals is the same host, {@code docker-registry.wikimedia.org.evil.example/x} is another), not a denied (base)
 * repository with any tag or digest. The tests evaluate it with CEL's Java implementation against the webhook's
 * requests and require the same answer on each.
 *
 * <p>Immutable and thread-safe.
 */
public final class AdmissionManifests {
    public static final String DEFAULT_NAME = "imagetree-registry-policy";
    public static final List<String> DEFAULT_EXEMPT_NAMESPACES = List.of("kube-system");
    static final String NAMESPACE_LABEL = "kubernetes.io/metadata.name";
    private static final List<String> OPERATIONS = List.of("CREATE", "UPDATE");

    private final RegistryPolicy policy;
    private final List<String> exemptNamespaces;
    private final String name;

    private AdmissionManifests(RegistryPolicy policy, List<String> exemptNamespaces, String name) {
        this.policy = Objects.requireNonNull(policy, "policy");
        for (String ns : exemptNamespaces) {
            if (!ns.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") || ns.length() > 63) {
                throw new IllegalArgumentException("not a namespace name: '" + ns + "'");
            }
        }
        if (!name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*") || name.length() > 253) {
            throw new IllegalArgumentException("not a Kubernetes object name: '" + name + "'");
        }
        this.exemptNamespaces = List.copyOf(exemptNamespaces);
        this.name = name;
    }

    /** Manifests for the policy, exempting {@code kube-system}, named {@value #DEFAULT_NAME}. */
    public static AdmissionManifests forPolicy(RegistryPolicy policy) {
        return new AdmissionManifests(policy, DEFAULT_EXEMPT_NAMESPACES, DEFAULT_NAME);
    }

    /** A copy exempting exactly these namespaces (include the webhook's own and {@code kube-system}). */
    public AdmissionManifests exempting(List<String> namespaces) {
        return new AdmissionManifests(policy, namespaces, name);
    }

    /** A copy whose objects have this name. */
    public AdmissionManifests named(String newName) {
        return new AdmissionManifests(policy, exemptNamespaces, newName);
    }

    public RegistryPolicy policy() { return policy; }

    public List<String> exemptNamespaces() { return exemptNamespaces; }

    public String name() { return name; }

    /**
     * The CEL policy. Its variables: the pod spec of the object, by kind; every image of it (a container without
     * one gives ''); the images not allowed (invalid, or outside the allowed registries); the base images among them.
     * One validation per list, each message naming the images.
     */
    public ValidatingAdmissionPolicy validatingAdmissionPolicy() {
        ImageReferenceCel images = new ImageReferenceCel(policy);
        List<Variable> variables = new ArrayList<>(List.of(variable("podSpec", podSpecExpression()), variable("images", imagesExpression()),
                variable("disallowed", "variables.images.filter(image, !(" + images.allowed("image") + "))")));
        List<Validation> validations = new ArrayList<>();
        validations.add(new ValidationBuilder()
                .withExpression("size(variables.disallowed) == 0")
                .withMessageExpression("'images not from an allowed registry (" + cel(allowedRegistries()) + ") or not valid references: ' + "
                        + "variables.disallowed.map(image, \"'\" + image + \"'\").join(', ')")
                .withReason("Forbidden")
                .build());
        if (!policy.deniedRepositories().isEmpty()) {
            variables.add(variable("baseImages", "variables.images.filter(image, " + images.baseImage("image") + ")"));
            validations.add(new ValidationBuilder()
                    .withExpression("size(variables.baseImages) == 0")
                    .withMessageExpression("'base images are never deployed: ' + variables.baseImages.join(', ')")
                    .withReason("Forbidden")
                    .build());
        }
        return new ValidatingAdmissionPolicyBuilder()
                .withNewMetadata().withName(name).withLabels(labels()).endMetadata()
                .withNewSpec()
                .withFailurePolicy("Fail")
                .withMatchConstraints(matchConstraints())
                .withVariables(variables)
                .withValidations(validations)
                .endSpec()
                .build();
    }

    /** Binds the policy cluster-wide with {@code Deny}. */
    public ValidatingAdmissionPolicyBinding validatingAdmissionPolicyBinding() {
        return new ValidatingAdmissionPolicyBindingBuilder()
                .withNewMetadata().withName(name).withLabels(labels()).endMetadata()
                .withNewSpec()
                .withPolicyName(name)
                .withValidationActions("Deny")
                .endSpec()
                .build();
    }

    /** The webhook configuration pointing the API server at {@code AdmissionWebhookServer}. */
    public ValidatingWebhookConfiguration validatingWebhookConfiguration(WebhookTarget target) {
        Objects.requireNonNull(target, "target");
        String caBundle = Base64.getEncoder().encodeToString(target.caBundlePem().getBytes(StandardCharsets.US_ASCII));
        return new ValidatingWebhookConfigurationBuilder()
                .withNewMetadata().withName(name).withLabels(labels()).endMetadata()
                .addNewWebhook()
                .withName(target.webhookName())
                .withNewClientConfig().withUrl(target.url().toString()).withCaBundle(caBundle).endClientConfig()
                .withRules(webhookRules())
                .withFailurePolicy("Fail")
                .withMatchPolicy("Equivalent")
                .withSideEffects("None")
                .withAdmissionReviewVersions("v1")
                .withTimeoutSeconds(target.timeoutSeconds())
                .withNamespaceSelector(namespaceSelector())
                .endWebhook()
                .build();
    }

    /** The policy and its binding as one multi-document YAML stream. */
    public String toYaml() {
        return toYaml(List.of(validatingAdmissionPolicy(), validatingAdmissionPolicyBinding()));
    }

    /** The webhook configuration as YAML. */
    public String webhookYaml(WebhookTarget target) {
        return toYaml(List.of(validatingWebhookConfiguration(target)));
    }

    /** Objects as a multi-document YAML stream, each document starting with {@code ---}. */
    public static String toYaml(List<? extends HasMetadata> objects) {
        StringBuilder sb = new StringBuilder();
        for (HasMetadata o : objects) {
            String doc = Serialization.asYaml(o);
            if (!doc.startsWith("---")) sb.append("---\n");
            sb.append(doc);
            if (!doc.endsWith("\n")) sb.append('\n');
        }
        return sb.toString();
    }

    // --- pieces ---

    /** By builder: the generated two-argument constructor takes (expression, name), an easy swap. */
    private static Variable variable(String name, String expression) {
        return new VariableBuilder().withName(name).withExpression(expression).build();
    }

    private Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/managed-by", "imagetree");
        labels.put("app.kubernetes.io/name", "registry-policy");
        return labels;
    }

    private MatchResources matchConstraints() {
        List<NamedRuleWithOperations> rules = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : resourcesByGroup().entrySet()) {
            rules.add(new NamedRuleWithOperationsBuilder()
                    .withApiGroups(e.getKey()).withApiVersions("v1").withOperations(OPERATIONS).withResources(e.getValue())
                    .withScope("Namespaced")
                    .build());
        }
        return new MatchResourcesBuilder()
                .withResourceRules(rules)
                .withMatchPolicy("Equivalent")
                .withNamespaceSelector(namespaceSelector())
                .build();
    }

    private List<RuleWithOperations> webhookRules() {
        List<RuleWithOperations> rules = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : resourcesByGroup().entrySet()) {
            rules.add(new RuleWithOperationsBuilder()
                    .withApiGroups(e.getKey()).withApiVersions("v1").withOperations(OPERATIONS).withResources(e.getValue())
                    .withScope("Namespaced")
                    .build());
        }
        return rules;
    }

    private static Map<String, List<String>> resourcesByGroup() {
        Map<String, List<String>> byGroup = new LinkedHashMap<>();
        for (WorkloadKind k : WorkloadKind.values()) {
            byGroup.computeIfAbsent(k.apiGroup(), g -> new ArrayList<>()).addAll(k.admissionResources());
        }
        return byGroup;
    }

    private LabelSelector namespaceSelector() {
        LabelSelectorBuilder b = new LabelSelectorBuilder();
        if (!exemptNamespaces.isEmpty()) {
            b.addNewMatchExpression().withKey(NAMESPACE_LABEL).withOperator("NotIn").withValues(exemptNamespaces).endMatchExpression();
        }
        return b.build();
    }

    /** Selects the pod spec by kind: Pods (also for ephemeral containers), CronJobs, and the pod template of the rest. */
    static String podSpecExpression() {
        String expr = "object.spec.template.spec";
        for (WorkloadKind k : WorkloadKind.values()) {
            String path = "object." + String.join(".", k.podSpecPath());
            if (!path.equals("object.spec.template.spec")) {
                expr = "object.kind == '" + k.kind() + "' ? " + path + " : (" + expr + ")";
            }
        }
        return expr;
    }

    /**
     * All images of the pod spec, '' for a container without one; {@code has(...) ? ... : []} rather than optionals,
     * for older API servers.
     */
    static String imagesExpression() {
        return WorkloadKind.CONTAINER_FIELDS.stream()
                .map(f -> "(has(variables.podSpec." + f + ") ? variables.podSpec." + f + ".map(c, has(c.image) ? c.image : '') : [])")
                .collect(Collectors.joining(" + "));
    }

    private List<String> allowedRegistries() {
        return policy.allowedRegistries().stream().map(AllowedRegistry::toString).toList();
    }

    private static String cel(List<String> values) {
        return values.stream().map(v -> v.replace("\\", "\\\\").replace("'", "\\'")).collect(Collectors.joining(", "));
    }

    /** A CEL single-quoted string literal. */
    static String literal(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
