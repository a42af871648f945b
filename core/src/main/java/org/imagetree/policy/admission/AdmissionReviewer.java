package org.imagetree.policy.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.imagetree.policy.RegistryPolicy;
import org.imagetree.policy.kubernetes.WorkloadKind;

/**
 * Decides one {@code AdmissionReview} (admission.k8s.io/v1): every container, init container and ephemeral
 * container of a Pod, of the pod template of a Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController,
 * Job or CronJob, and of a PodTemplate ({@link WorkloadKind}) must use an image the {@link RegistryPolicy} allows.
 * Exempt namespaces, other kinds and operations without an object (DELETE, CONNECT) are allowed.
 *
 * <p>Immutable and thread-safe; no HTTP here. The webhook server ({@code policy-webhook/}, command line only) serves
 * it; it lives in the engine so that the test of the ValidatingAdmissionPolicy ({@code policy-manifests/}) can ask it
 * the same questions as the policy.
 */
public final class AdmissionReviewer {
    public static final String API_VERSION = "admission.k8s.io/v1";
    public static final String KIND = "AdmissionReview";

    private final RegistryPolicy policy;
    private final Set<String> exemptNamespaces;
    private final ObjectMapper mapper;

    public AdmissionReviewer(RegistryPolicy policy, Set<String> exemptNamespaces, ObjectMapper mapper) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.exemptNamespaces = Set.copyOf(exemptNamespaces);
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    /** The decision for one request. */
    public record Decision(String uid, boolean allowed, List<String> problems) {
        public Decision {
            Objects.requireNonNull(uid, "uid");
            problems = List.copyOf(problems);
        }

        /** Problems joined for {@code status.message}. */
        public String message() { return String.join("; ", problems); }
    }

    /**
     * Reviews a parsed AdmissionReview.
     *
     * @throws BadAdmissionRequest when it is not a well-formed AdmissionReview v1 request
     */
    public Decision review(JsonNode review) {
        if (review == null || !review.isObject()) throw new BadAdmissionRequest("body is not a JSON object");
        if (!API_VERSION.equals(review.path("apiVersion").asText(null))) {
            throw new BadAdmissionRequest("apiVersion must be " + API_VERSION);
        }
        if (!KIND.equals(review.path("kind").asText(null))) throw new BadAdmissionRequest("kind must be " + KIND);
        JsonNode request = review.get("request");
        if (request == null || !request.isObject()) throw new BadAdmissionRequest("missing request");
        JsonNode uidNode = request.get("uid");
        if (uidNode == null || !uidNode.isTextual() || uidNode.asText().isBlank()) throw new BadAdmissionRequest("missing request.uid");
        String uid = uidNode.asText();

        String namespace = request.path("namespace").asText("");
        if (exemptNamespaces.contains(namespace)) return new Decision(uid, true, List.of());
        JsonNode kind = request.get("kind");
        if (kind == null || !kind.isObject()) throw new BadAdmissionRequest("missing request.kind");
        Optional<WorkloadKind> workload = WorkloadKind.of(kind.path("group").asText(""), kind.path("kind").asText(""));
        if (workload.isEmpty()) return new Decision(uid, true, List.of());
        JsonNode object = request.get("object");
        if (object == null || object.isNull()) {
            String operation = request.path("operation").asText("");
            if (operation.equals("CREATE") || operation.equals("UPDATE")) throw new BadAdmissionRequest("missing request.object for " + operation);
            return new Decision(uid, true, List.of());
        }
        if (!object.isObject()) throw new BadAdmissionRequest("request.object is not an object");

        List<String> problems = new ArrayList<>();
        for (ContainerImage c : containers(object, workload.get())) {
            if (c.image() == null || c.image().isEmpty()) {
                problems.add(c.describe() + " has no image");
            } else {
                policy.denialReason(c.image()).ifPresent(reason -> problems.add(c.describe() + " uses image '" + c.image() + "': " + reason));
            }
        }
        return new Decision(uid, problems.isEmpty(), problems);
    }

    /** The AdmissionReview response for a decision. */
    public ObjectNode response(Decision decision) {
        ObjectNode root = mapper.createObjectNode();
        root.put("apiVersion", API_VERSION);
        root.put("kind", KIND);
        ObjectNode response = root.putObject("response");
        response.put("uid", decision.uid());
        response.put("allowed", decision.allowed());
        if (!decision.allowed()) {
            ObjectNode status = response.putObject("status");
            status.put("code", 403);
            status.put("reason", "Forbidden");
            status.put("message", decision.message());
        }
        return root;
    }

    /** The containers of an object of a known kind, in the order containers, init, ephemeral. */
    public static List<ContainerImage> containers(JsonNode object, WorkloadKind kind) {
        JsonNode podSpec = object;
        for (String field : kind.podSpecPath()) podSpec = podSpec.path(field);
        List<ContainerImage> out = new ArrayList<>();
        for (String field : WorkloadKind.CONTAINER_FIELDS) {
            JsonNode list = podSpec.path(field);
            if (!list.isArray()) continue;
            for (JsonNode c : list) {
                JsonNode image = c.path("image");
                out.add(new ContainerImage(c.path("name").asText(""), image.isTextual() ? image.asText() : null, field));
            }
        }
        return out;
    }
}
