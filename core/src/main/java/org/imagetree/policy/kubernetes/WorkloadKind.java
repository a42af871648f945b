package org.imagetree.policy.kubernetes;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The Kubernetes kinds that carry a pod spec, where it is, and how admission rules name them. Shared by the
 * admission manifests and the webhook so both check exactly the same objects.
 */
public enum WorkloadKind {
    POD("", "Pod", "pods", List.of("spec")),
    DEPLOYMENT("apps", "Deployment", "deployments", List.of("spec", "template", "spec")),
    STATEFUL_SET("apps", "StatefulSet", "statefulsets", List.of("spec", "template", "spec")),
    DAEMON_SET("apps", "DaemonSet", "daemonsets", List.of("spec", "template", "spec")),
    REPLICA_SET("apps", "ReplicaSet", "replicasets", List.of("spec", "template", "spec")),
    JOB("batch", "Job", "jobs", List.of("spec", "template", "spec")),
    CRON_JOB("batch", "CronJob", "cronjobs", List.of("spec", "jobTemplate", "spec", "template", "spec")),
    REPLICATION_CONTROLLER("", "ReplicationController", "replicationcontrollers", List.of("spec", "template", "spec")),
    /** A stored pod template: what a controller (or a person) may instantiate later. */
    POD_TEMPLATE("", "PodTemplate", "podtemplates", List.of("template", "spec"));

    /** The container lists of a pod spec, in the order they are reported. */
    public static final List<String> CONTAINER_FIELDS = List.of("containers", "initContainers", "ephemeralContainers");

    private final String apiGroup;
    private final String kind;
    private final String resource;
    private final List<String> podSpecPath;

    WorkloadKind(String apiGroup, String kind, String resource, List<String> podSpecPath) {
        this.apiGroup = apiGroup;
        this.kind = kind;
        this.resource = resource;
        this.podSpecPath = podSpecPath;
    }

    /** API group, "" for the core group. */
    public String apiGroup() { return apiGroup; }

    public String kind() { return kind; }

    /** Plural resource name as used in admission rules. */
    public String resource() { return resource; }

    /** Field path from the object to its pod spec. */
    public List<String> podSpecPath() { return podSpecPath; }

    /** The resources to match: Pods also through {@code pods/ephemeralcontainers} ({@code kubectl debug}). */
    public List<String> admissionResources() {
        return this == POD ? List.of(resource, resource + "/ephemeralcontainers") : List.of(resource);
    }

    /** The kind with this group and name. */
    public static Optional<WorkloadKind> of(String apiGroup, String kind) {
        return Arrays.stream(values()).filter(k -> k.apiGroup.equals(apiGroup) && k.kind.equals(kind)).findFirst();
    }
}
