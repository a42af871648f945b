package org.imagetree.policy.admission;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.imagetree.policy.kubernetes.WorkloadKind;

/**
 * Builds AdmissionReview v1 requests the way the API server sends them (shared with the webhook's tests and the test
 * that evaluates the ValidatingAdmissionPolicy against the same requests).
 */
public final class AdmissionRequests {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private AdmissionRequests() {}

    /** A pod spec with one container, one init container and optionally an ephemeral container. */
    public static ObjectNode podSpec(String image, String initImage, String ephemeralImage) {
        ObjectNode spec = MAPPER.createObjectNode();
        spec.putArray("containers").addObject().put("name", "app").put("image", image);
        if (initImage != null) spec.putArray("initContainers").addObject().put("name", "setup").put("image", initImage);
        if (ephemeralImage != null) spec.putArray("ephemeralContainers").addObject().put("name", "debugger").put("image", ephemeralImage);
        return spec;
    }

    /** An object of the kind wrapping the pod spec at the kind's path. */
    public static ObjectNode object(WorkloadKind kind, ObjectNode podSpec) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("apiVersion", kind.apiGroup().isEmpty() ? "v1" : kind.apiGroup() + "/v1");
        root.put("kind", kind.kind());
        root.putObject("metadata").put("name", "x");
        ObjectNode cur = root;
        var path = kind.podSpecPath();
        for (int i = 0; i < path.size() - 1; i++) cur = cur.putObject(path.get(i));
        cur.set(path.get(path.size() - 1), podSpec);
        return root;
    }

    public static ObjectNode review(String uid, WorkloadKind kind, String namespace, ObjectNode object) {
        return review(uid, kind.apiGroup(), kind.kind(), kind.resource(), namespace, "CREATE", object);
    }

    public static ObjectNode review(String uid, String group, String kind, String resource, String namespace, String operation, ObjectNode object) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("apiVersion", "admission.k8s.io/v1");
        root.put("kind", "AdmissionReview");
        ObjectNode request = root.putObject("request");
        request.put("uid", uid);
        request.putObject("kind").put("group", group).put("version", "v1").put("kind", kind);
        request.putObject("resource").put("group", group).put("version", "v1").put("resource", resource);
        request.put("name", "x");
        request.put("namespace", namespace);
        request.put("operation", operation);
        ObjectNode user = request.putObject("userInfo").put("username", "admin");
        ArrayNode groups = user.putArray("groups");
        groups.add("system:masters");
        if (object != null) request.set("object", object);
        request.put("dryRun", false);
        return root;
    }
}
