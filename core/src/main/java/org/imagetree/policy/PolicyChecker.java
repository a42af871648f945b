package org.imagetree.policy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.imagetree.model.Dockerfiles;
import org.imagetree.model.Dockerfiles.ImageUse;

/**
 * Applies a {@link RegistryPolicy} to what a build would pull: every image a rendered Dockerfile may pull
 * ({@link Dockerfiles#pulledImages}), Blubber {@code base} images and configured base image references. Collects every violation instead of
 * stopping at the first, so one run reports them all.
 *
 * <p>Line numbers of {@link #checkDockerfile(String, String)} are those of the rendered Dockerfile. They equal
 * the template's when the template has no construct that adds or removes lines before the FROM (true of every
 * production template's FROM forms: {@code {{ "x" | image_tag }}}, {@code {{ registry }}/…}); otherwise use
 * {@link #checkTemplate(String, String, String)}, which maps lines back to the template, or pass a line
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
     * Every violation in a rendered Dockerfile: every image a build of it may pull ({@link Dockerfiles#pulledImages}:
     * the {@code # syntax} frontend, {@code FROM}, {@code COPY --from}, {@code ADD --from}, {@code RUN --mount from=},
     * also in {@code ONBUILD}); {@code scratch}, stages and stage indexes are not images.
     *
     * @param file        the name to report (the template path, say)
     * @param lineMapping maps a rendered line to the line to report (0 for unknown)
     */
    public List<Violation> checkDockerfile(String file, String dockerfile, IntUnaryOperator lineMapping) {
        Objects.requireNonNull(lineMapping, "lineMapping");
        return check(dockerfile, line -> new Location(file, lineMapping.applyAsInt(line)));
    }

    private record Location(String file, int line) {}

    private List<Violation> check(String dockerfile, java.util.function.IntFunction<Location> at) {
        List<ImageUse> uses;
        try {
            uses = Dockerfiles.pulledImages(dockerfile);
        } catch (IllegalArgumentException e) {
            Matcher m = LINE_PREFIX.matcher(String.valueOf(e.getMessage()));
            Location l = at.apply(m.lookingAt() ? Integer.parseInt(m.group(1)) : 0);
            return List.of(new Violation(l.file(), l.line(), "FROM", "cannot be checked: " + (m.lookingAt() ? e.getMessage().substring(m.end()) : e.getMessage())));
        }
        List<Violation> out = new ArrayList<>();
        for (ImageUse use : uses) {
            Location l = at.apply(use.line());
            Violation v;
            if (use.unresolvedArg()) {
                v = new Violation(l.file(), l.line(), use.rawImage(), "cannot be checked"
                        + (use.source() == Dockerfiles.Source.FROM ? "" : " (" + use.form() + ")") + ": cannot resolve ARG "
                        + String.join(", ", variables(use.resolvedImage()))
                        + (use.source() == Dockerfiles.Source.FROM ? " (give it a default in an ARG before the first FROM)"
                                : " (give it a default in an ARG of the stage)"));
            } else {
                v = checkReference(l.file(), l.line(), use.resolvedImage()).orElse(null);
            }
            if (v != null && !out.contains(v)) out.add(v);
        }
        return List.copyOf(out);
    }

    /**
     * Every violation of a template, reported at template lines: rendered lines are aligned with the template's (lines
     * the rendering left as they were anchor the alignment; between anchors a line is matched by its keyword, then by
     * position). A line that cannot be placed in the template is reported at its rendered line, the file as
     * {@code templateFile (rendered)}.
     */
    public List<Violation> checkTemplate(String templateFile, String template, String rendered) {
        IntUnaryOperator toTemplate = TemplateLines.mapping(template, rendered);
        return check(rendered, line -> {
            int t = toTemplate.applyAsInt(line);
            return t > 0 ? new Location(templateFile, t) : new Location(templateFile + " (rendered)", line);
        });
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
