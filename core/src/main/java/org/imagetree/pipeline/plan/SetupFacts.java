package org.imagetree.pipeline.plan;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What PipelineLib's {@code setup} stage learns before the first stage runs, given by the adapter (the checkout, the
 * job): the project (the repository's path on its Git server), the commit, branch, remote and tag of the checkout, the
 * build log's URL, the job's parameters (bound as {@code params.NAME}), the checkout's variables ({@code GIT_COMMIT},
 * {@code GIT_URL}, …, bound as they are) and the labels every built image gets ({@code jenkins.job},
 * {@code jenkins.build}, … ; {@code ci.project} and {@code ci.pipeline} are added per pipeline). The timestamp is taken
 * when a pipeline starts. Immutable.
 */
public record SetupFacts(String project, String commit, String branch, String remote, String tag, String logUrl,
                         Map<String, String> params, Map<String, String> checkoutVariables, Map<String, String> imageLabels) {
    public SetupFacts {
        Objects.requireNonNull(project);
        commit = Objects.requireNonNullElse(commit, "");
        branch = Objects.requireNonNullElse(branch, "");
        remote = Objects.requireNonNullElse(remote, "");
        tag = Objects.requireNonNullElse(tag, "");
        logUrl = Objects.requireNonNullElse(logUrl, "");
        params = ordered(params);
        checkoutVariables = ordered(checkoutVariables);
        imageLabels = ordered(imageLabels);
    }

    private static Map<String, String> ordered(Map<String, String> m) {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    /** The part after the last {@code /} of the project ({@code mediawiki/services/citoid} → {@code citoid}). */
    public String projectShortName() { return project.substring(project.lastIndexOf('/') + 1); }

    /**
     * PipelineLib's project of a remote URL: its path without the leading {@code /} or {@code /r/} (a Gerrit URL
     * {@code https://gerrit.wikimedia.org/r/mediawiki/services/citoid} → {@code mediawiki/services/citoid}). An scp-like
     * remote ({@code git@host:org/repo.git}, which {@code URI} cannot parse) gives the part after the colon.
     */
    public static Optional<String> projectOf(String remoteUrl) {
        if (remoteUrl == null || remoteUrl.isBlank()) return Optional.empty();
        String path;
        try {
            URI uri = URI.create(remoteUrl);
            path = uri.getPath();
            if (path == null && uri.getSchemeSpecificPart() != null && uri.getScheme() != null && !remoteUrl.contains("://")) {
                path = uri.getSchemeSpecificPart(); // host:path, read by URI as scheme "host"
            }
        } catch (IllegalArgumentException e) {
            int colon = remoteUrl.indexOf(':');
            path = colon >= 0 ? remoteUrl.substring(colon + 1) : remoteUrl;
        }
        if (path == null || path.isEmpty()) return Optional.empty();
        String p = path.replaceFirst("^/(r/)?", "");
        return p.isEmpty() ? Optional.empty() : Optional.of(p);
    }

    /** The facts of a checkout with no Git server around: the project is the directory's name. */
    public static SetupFacts local(String project) {
        return new SetupFacts(project, "", "", "", "", "", Map.of(), Map.of(), Map.of());
    }

    /** The checkout variables the Jenkins git plugin returns, for the CLI that has no plugin. */
    public static Map<String, String> gitVariables(String commit, String branch, String remote) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!commit.isEmpty()) out.put("GIT_COMMIT", commit);
        if (!branch.isEmpty()) {
            out.put("GIT_BRANCH", branch);
            out.put("GIT_LOCAL_BRANCH", branch);
        }
        if (!remote.isEmpty()) out.put("GIT_URL", remote);
        return out;
    }
}
