package org.imagetree.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.imagetree.model.Dockerfiles;
import org.imagetree.model.Dockerfiles.FromInstruction;

/**
 * Applies a {@link RegistryPolicy} to what a build would pull: the {@code FROM} lines of rendered Dockerfiles,
 * Blubber {@code base} images and configured base image references. Collects every violation instead of
 * stopping at the first, so one run reports them all.
 *
 * <p>Line numbers of {@link #checkDockerfile(String, String)} are those of the rendered Dockerfile. They equal
 * the template's when the template has no construct that adds or removes lines before the FROM (true of every
 * production template's FROM forms: {@code {{ "x" | image_tag }}}, {@code {{ registry }}/…}); otherwise use
 * {@link #checkTemplate(String, String, String)}, which maps FROM lines back to the template, or pass a line
 * mapping to {@link #checkDockerfile(String, String, IntUnaryOperator)}.
 *
 * <p>Immutable and thread-safe.
 */
public final class PolicyChecker {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern LINE_PREFIX = Pattern.compile("line (\\d+): ");
    private final RegistryPolicy policy;

    public PolicyChecker(RegistryPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    public RegistryPolicy policy() { return policy; }

    /** Every violation in a rendered Dockerfile, reported at rendered line numbers. */
    public List<Violation> checkDockerfile(String file, String dockerfile) {
        return checkDockerfile(file, dockerfile, IntUnaryOperator.identity());
    }

    /**
     * Every violation in a rendered Dockerfile; {@code scratch} and references to earlier stages are skipped.
     *
     * @param file        the name to report (the template path, say)
     * @param lineMapping maps a rendered line to the line to report (0 for unknown)
     */
    public List<Violation> checkDockerfile(String file, String dockerfile, IntUnaryOperator lineMapping) {
        Objects.requireNonNull(lineMapping, "lineMapping");
        List<FromInstruction> froms;
        try {
            froms = Dockerfiles.froms(dockerfile);
        } catch (IllegalArgumentException e) {
            Matcher m = LINE_PREFIX.matcher(String.valueOf(e.getMessage()));
            int line = m.lookingAt() ? lineMapping.applyAsInt(Integer.parseInt(m.group(1))) : 0;
            return List.of(new Violation(file, line, "FROM", "cannot be checked: " + (m.lookingAt() ? e.getMessage().substring(m.end()) : e.getMessage())));
        }
        List<Violation> out = new ArrayList<>();
        for (FromInstruction from : froms) {
            if (!from.pullsImage()) continue;
            int line = lineMapping.applyAsInt(from.line());
            if (from.unresolvedArg()) {
                out.add(new Violation(file, line, from.rawImage(), "cannot be checked: cannot resolve ARG "
                        + String.join(", ", variables(from.resolvedImage()))
                        + " (give it a default in an ARG before the first FROM)"));
            } else {
                checkReference(file, line, from.resolvedImage()).ifPresent(out::add);
            }
        }
        return List.copyOf(out);
    }

    /**
     * Every violation of a template, reported at template lines: the n-th {@code FROM} of the rendered Dockerfile
     * is reported at the line of the n-th {@code FROM} of the template. When the counts differ (a FROM inside
     * {@code {% if %}}, say), lines are those of the rendered Dockerfile and the file is reported as
     * {@code templateFile (rendered)}.
     */
    public List<Violation> checkTemplate(String templateFile, String template, String rendered) {
        List<Integer> templateLines = fromLines(template);
        List<Integer> renderedLines = fromLines(rendered);
        if (templateLines == null || renderedLines == null || templateLines.size() != renderedLines.size()) {
            return checkDockerfile(templateFile + " (rendered)", rendered);
        }
        Map<Integer, Integer> mapping = new HashMap<>();
        for (int i = 0; i < renderedLines.size(); i++) mapping.put(renderedLines.get(i), templateLines.get(i));
        return checkDockerfile(templateFile, rendered, line -> mapping.getOrDefault(line, line));
    }

    private static List<Integer> fromLines(String dockerfile) {
        try {
            return Dockerfiles.froms(dockerfile).stream().map(FromInstruction::line).toList();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Checks one reference found elsewhere (a Blubber {@code base}, a {@code base_images} entry).
     * {@code scratch}, null and blank mean "no image" and pass.
     */
    public Optional<Violation> checkReference(String file, int line, String reference) {
        if (reference == null || reference.isBlank() || reference.equalsIgnoreCase("scratch")) return Optional.empty();
        return policy.check(reference).map(v -> v.at(file, line));
    }

    /** Checks several references from one file, each at line 0 (unknown). */
    public List<Violation> checkReferences(String file, List<String> references) {
        List<Violation> out = new ArrayList<>();
        for (String r : references) checkReference(file, 0, r).ifPresent(out::add);
        return List.copyOf(out);
    }

    /**
     * Fails when there is any violation.
     *
     * @throws RegistryPolicyException listing all of them
     */
    public static void requireNone(List<Violation> violations) {
        if (!violations.isEmpty()) throw new RegistryPolicyException(violations);
    }

    private static Set<String> variables(String image) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = VARIABLE.matcher(image);
        while (m.find()) names.add(m.group(1));
        return names;
    }
}
