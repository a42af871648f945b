package org.imagetree.policy.kubernetes;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.imagetree.model.ImageReference;
import org.imagetree.policy.AllowedRegistry;
import org.imagetree.policy.RegistryPolicy;

/**
 * CEL conditions on an image string that decide exactly as the webhook does ({@link RegistryPolicy#denialReason},
 * which parses with {@link ImageReference}): a reference is allowed when it is valid, its registry and repository
 * (after Docker's normalisation) are under an allowed entry, and its repository is not a base image.
 *
 * <p>They use only CEL's standard {@code matches()} (RE2, as Go's regexp in the API server), {@code startsWith()} and
 * boolean operators, so they run on every API server with ValidatingAdmissionPolicy (1.30+); the Kubernetes
 * {@code image()} library (1.33+) parses with other rules ({@code index.docker.io}, no length limit) and is not used.
 * Each condition is written from the policy: for every allowed entry, the ways a reference in it can be written
 * (host in any letter case, Docker Hub's three host names and its short names, {@code library/} for one-component Hub
 * names), each anchored and built from the grammar of {@link ImageReference} (repository components, tag, digest),
 * with a second pattern bounding the normalised name to 255 characters. Host letters are written as {@code [aA]}
 * classes rather than RE2's {@code (?i)}, which would also match the Kelvin sign for {@code k}, a host
 * {@link ImageReference} refuses.
 */
final class ImageReferenceCel {
    /** A repository path component ({@code ImageReference.COMPONENT}). */
    static final String COMPONENT = "[a-z0-9]+(?:(?:[.]|_|__|-+)[a-z0-9]+)*";
    /** The first component of a Hub name written without a host: with a dot it would name a registry. */
    static final String SHORT_HEAD = "[a-z0-9]+(?:(?:_|__|-+)[a-z0-9]+)*";
    static final String TAG = "[A-Za-z0-9_][A-Za-z0-9._-]{0,127}";
    static final String DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
    /** After the repository: an optional tag, an optional digest, the end. */
    static final String REFERENCE_END = "(?::" + TAG + ")?(?:@" + DIGEST + ")?$";
    /** What follows a repository name in a valid reference. */
    static final String NAME_END = "(?:[:@]|$)";
    static final String NAME_CHARS = "[a-z0-9._/-]";
    static final String PATH = COMPONENT + "(?:/" + COMPONENT + ")*";
    /** {@code registry/repository} of a valid reference is at most this long. */
    static final int MAX_NAME = 255;
    private static final String HUB = ImageReference.DOCKER_HUB;
    /** The host names a Docker Hub reference may be written with. */
    private static final String HUB_HOSTS = "(?:" + host(HUB) + "|" + host("index.docker.io") + "|" + host("registry-1.docker.io") + ")";

    private final RegistryPolicy policy;

    ImageReferenceCel(RegistryPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** CEL, true when the string in {@code var} is a valid reference in an allowed registry (base images included). */
    String allowed(String var) {
        List<String> forms = new ArrayList<>();
        for (AllowedRegistry a : policy.allowedRegistries()) {
            forms.addAll(a.host().equals(HUB) ? hubForms(a.pathPrefix(), var) : forms(a, var));
        }
        return forms.isEmpty() ? "false" : String.join(" || ", forms);
    }

    /**
     * CEL, true when the string in {@code var}, taken as a valid reference (what {@link #allowed} checks), names a
     * denied repository; {@code false} when nothing is denied.
     */
    String baseImage(String var) {
        List<String> names = new ArrayList<>();
        for (String repository : policy.deniedRepositories().stream().sorted().toList()) names.addAll(writtenNames(repository));
        return names.isEmpty() ? "false" : matches(var, "^(?:" + String.join("|", names) + ")" + NAME_END);
    }

    /** A registry other than Docker Hub: its host in any case, the path prefix, one or more components. */
    private static List<String> forms(AllowedRegistry a, String var) {
        String head = "^" + host(a.host()) + "/";
        String path = a.pathPrefix().isEmpty() ? PATH : literal(a.pathPrefix()) + "(?:/" + COMPONENT + ")+";
        int maxPath = MAX_NAME - a.host().length() - 1;
        return List.of(both(var, head + path + REFERENCE_END, head + NAME_CHARS + "{1," + maxPath + "}" + NAME_END));
    }

    /**
     * Docker Hub: with one of its hosts or without a host; one component means {@code library/} before it (so it is
     * under no prefix but {@code library}); without a host, a first component with a dot, or {@code localhost}, would
     * be a registry instead.
     */
    private static List<String> hubForms(String prefix, String var) {
        List<String> out = new ArrayList<>();
        int maxPath = MAX_NAME - HUB.length() - 1;
        int maxOne = maxPath - "library/".length();
        if (prefix.isEmpty() || prefix.equals("library")) {
            out.add(both(var, "^" + HUB_HOSTS + "/" + COMPONENT + REFERENCE_END, "^" + HUB_HOSTS + "/[a-z0-9._-]{1," + maxOne + "}" + NAME_END));
            out.add(both(var, "^" + COMPONENT + REFERENCE_END, "^[a-z0-9._-]{1," + maxOne + "}" + NAME_END));
        }
        String several = prefix.isEmpty() ? COMPONENT + "(?:/" + COMPONENT + ")+" : literal(prefix) + "(?:/" + COMPONENT + ")+";
        out.add(both(var, "^" + HUB_HOSTS + "/" + several + REFERENCE_END, "^" + HUB_HOSTS + "/" + NAME_CHARS + "{1," + maxPath + "}" + NAME_END));
        if (prefix.isEmpty()) {
            out.add("(" + both(var, "^" + SHORT_HEAD + "(?:/" + COMPONENT + ")+" + REFERENCE_END, "^" + NAME_CHARS + "{1," + maxPath + "}" + NAME_END)
                    + " && !" + var + ".startsWith('localhost/'))");
        } else if (writableWithoutHost(prefix)) {
            out.add(both(var, "^" + literal(prefix) + "(?:/" + COMPONENT + ")+" + REFERENCE_END, "^" + NAME_CHARS + "{1," + maxPath + "}" + NAME_END));
        }
        return out;
    }

    /** The ways a normalised {@code registry/repository} can be written, as RE2 alternatives up to its end. */
    private static List<String> writtenNames(String repositoryName) {
        int slash = repositoryName.indexOf('/');
        String registry = repositoryName.substring(0, slash);
        String repository = repositoryName.substring(slash + 1);
        if (!registry.equals(HUB)) return List.of(host(registry) + "/" + literal(repository));
        if (!repository.contains("/")) return List.of(); // no Hub name normalises to one component (library/ comes first)
        List<String> out = new ArrayList<>();
        if (repository.startsWith("library/") && repository.indexOf('/', "library/".length()) < 0) {
            String name = literal(repository.substring("library/".length()));
            out.add(HUB_HOSTS + "/(?:library/)?" + name);
            out.add("(?:library/)?" + name);
        } else {
            out.add(HUB_HOSTS + "/" + literal(repository));
            if (writableWithoutHost(repository)) out.add(literal(repository));
        }
        return out;
    }

    /** Whether a Hub repository of several components can be written without a host (its first is not a host). */
    private static boolean writableWithoutHost(String repository) {
        String first = repository.contains("/") ? repository.substring(0, repository.indexOf('/')) : repository;
        return !first.contains(".") && !first.equals("localhost");
    }

    private static String both(String var, String structure, String length) {
        return "(" + matches(var, structure) + " && " + matches(var, length) + ")";
    }

    /** {@code var.matches(r'...')}: a raw string, so the pattern is written as RE2 reads it (it holds no quote). */
    private static String matches(String var, String re2) {
        if (re2.contains("'")) throw new IllegalArgumentException("quote in a pattern: " + re2);
        return var + ".matches(r'" + re2 + "')";
    }

    /** A host[:port] (lower case, as {@link AllowedRegistry} keeps it) matched in any letter case. */
    static String host(String host) {
        StringBuilder sb = new StringBuilder();
        for (char c : host.toCharArray()) {
            if (c >= 'a' && c <= 'z') sb.append('[').append(c).append(Character.toUpperCase(c)).append(']');
            else if (c == '.') sb.append("[.]");
            else if (c == '[' || c == ']') sb.append('\\').append(c);
            else sb.append(c); // digits, '-', ':'
        }
        return sb.toString();
    }

    /** A repository path (lower-case components, '/', '.', '_', '-') as a literal pattern. */
    static String literal(String path) {
        return path.replace(".", "[.]");
    }
}
