package org.imagetree.blubber.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Blubber's struct validation (spec §2.10) with its messages, {@code <leaf field>: <text>}, plus this
 * implementation's injection and path-escape guards (messages ending in "contains characters that are not
 * allowed"), which run before anything is compiled. Each message also records where it applies, as the YAML path
 * of the value ({@code variants.build.apt.sources[0].url}), so that errors can name the blubber.yaml line.
 */
public final class ConfigValidator {
    /** One failing field: Blubber's message and the YAML path of the value it is about. */
    public record Problem(String path, String message) {}

    private final Set<String> variantNames;
    private final List<Problem> problems = new ArrayList<>();
    /** The YAML path of what is being validated ("" for the root). */
    private String at = "";

    private ConfigValidator(Set<String> variantNames) {
        this.variantNames = variantNames;
    }

    /** Validates the root and every raw variant; returns all messages (empty when valid). */
    public static List<String> validate(BlubberConfig config) {
        return problems(config).stream().map(Problem::message).toList();
    }

    /** {@link #validate}, with where each message applies. */
    public static List<Problem> problems(BlubberConfig config) {
        ConfigValidator v = new ConfigValidator(config.variants().keySet());
        for (String name : config.variants().keySet()) {
            // Blubber says only "contains a bad variant name"; this names it.
            if (!Rules.isVariantName(name)) v.problems.add(new Problem("variants." + name, "variants: contains a bad variant name \"" + name + "\""));
        }
        v.common(config.root());
        for (Variant variant : config.variants().values()) v.within("variants." + variant.name(), () -> v.variant(variant));
        return List.copyOf(v.problems);
    }

    /** Validates expanded variants (combinations created by inheritance). */
    public static List<String> validateExpanded(BlubberConfig config, List<Variant> expanded) {
        return expandedProblems(config, expanded).stream().map(Problem::message).toList();
    }

    /** {@link #validateExpanded}, with where each message applies (the variant's own value, else the variant). */
    public static List<Problem> expandedProblems(BlubberConfig config, List<Variant> expanded) {
        ConfigValidator v = new ConfigValidator(config.variants().keySet());
        for (Variant variant : expanded) v.within("variants." + variant.name(), () -> v.variant(variant));
        return List.copyOf(v.problems);
    }

    public static void validateOrThrow(BlubberConfig config) {
        List<Problem> p = problems(config);
        if (!p.isEmpty()) throw new ValidationError(config, p);
    }

    /** Runs {@code check} with {@code segment} ({@code name} or {@code [i]}) appended to the current path. */
    private void within(String segment, Runnable check) {
        String outer = at;
        at = child(outer, segment);
        try {
            check.run();
        } finally {
            at = outer;
        }
    }

    private static String child(String path, String segment) {
        if (segment.startsWith("[") || path.isEmpty()) return path + segment;
        return path + "." + segment;
    }

    /** {@code field} is Blubber's leaf name ({@code includes[1]}); the value's path is the current one plus it. */
    private void fail(String field, String text) { problems.add(new Problem(child(at, field), field + ": " + text)); }

    private void failValue(String field, String value, String text) {
        problems.add(new Problem(child(at, field), field + ": \"" + value + "\" " + text));
    }

    /** As {@link #failValue}, at an explicit path below the current one. */
    private void failValueAt(String path, String field, String value, String text) {
        problems.add(new Problem(child(at, path), field + ": \"" + value + "\" " + text));
    }

    private void unsafe(String field, String value) { failValue(field, value, "contains characters that are not allowed"); }

    private void variant(Variant variant) {
        for (int i = 0; i < variant.includes().size(); i++) {
            String inc = variant.includes().get(i);
            if (!variantNames.contains(inc) && !Artifact.LOCAL.equals(inc)) {
                fail("includes[" + i + "]", "references an unknown variant \"" + inc + "\"");
            }
        }
        artifacts("copies", variant.copies());
        common(variant.common());
    }

    private void common(CommonConfig c) {
        if (!c.base().isEmpty() && !Rules.isImageRef(c.base())) failValue("base", c.base(), "is not a valid image reference");
        envNames("arguments", c.arguments());
        apt(c.apt());
        if (c.builders() != null && !c.builders().isEmpty()) builders(c);
        List<Builder> listed = c.buildersOrEmpty();
        for (int i = 0; i < listed.size(); i++) {
            Builder b = listed.get(i);
            within("builders[" + i + "]", () -> within(b instanceof CustomBuilder ? "custom" : b.type(), () -> builder(b)));
        }
        if (c.node() != null) within("node", () -> builder(c.node()));
        if (c.php() != null) within("php", () -> builder(c.php()));
        if (c.python() != null) within("python", () -> builder(c.python()));
        if (c.builder() != null) within("builder", () -> builder(c.builder()));
        within("lives", () -> lives(c.lives()));
        within("runs", () -> runs(c.runs()));
    }

    private void envNames(String field, Map<String, String> map) {
        if (!map.keySet().stream().allMatch(Rules::isEnvVarName)) fail(field, "contains invalid environment variable names");
    }

    private void apt(AptConfig apt) {
        if (apt.packages().isEmpty() && apt.sources().isEmpty() && apt.proxies().isEmpty()) return;
        within("apt", () -> {
            apt.packages().forEach((release, list) -> {
                // packages is a list (the default release) or a mapping of releases; the path names the mapping's key
                String where = "packages." + release;
                if (!AptConfig.DEFAULT_RELEASE.equals(release)) {
                    if (!Rules.isDebianRelease(release)) failValueAt(where, "packages[" + release + "]", release, "is not a valid Debian release name");
                    else if (!Rules.isSafeText(release) || release.contains(" ")) {
                        failValueAt(where, "packages[" + release + "]", release, "contains characters that are not allowed");
                    }
                }
                for (int i = 0; i < list.size(); i++) {
                    if (!Rules.isDebianPackage(list.get(i))) {
                        failValueAt(where + "[" + i + "]", "packages[" + release + "][" + i + "]", list.get(i), "is not a valid Debian package name");
                    }
                }
            });
            for (int i = 0; i < apt.sources().size(); i++) {
                AptSource s = apt.sources().get(i);
                within("sources[" + i + "]", () -> {
                    httpUrl("url", s.url(), true);
                    if (s.distribution().isEmpty()) fail("distribution", "is required");
                    else if (!Rules.isDebianRelease(s.distribution())) failValue("distribution", s.distribution(), "is not a valid Debian release name");
                    else if (!Rules.isSafeText(s.distribution()) || s.distribution().contains(" ")) unsafe("distribution", s.distribution());
                    for (int j = 0; j < s.components().size(); j++) {
                        String comp = s.components().get(j);
                        if (!Rules.isDebianComponent(comp)) failValue("components[" + j + "]", comp, "is not a valid Debian component name");
                        else if (!Rules.isSafeText(comp) || comp.contains(" ")) unsafe("components[" + j + "]", comp);
                    }
                });
            }
            for (int i = 0; i < apt.proxies().size(); i++) {
                AptProxy p = apt.proxies().get(i);
                within("proxies[" + i + "]", () -> {
                    httpUrl("url", p.url(), true);
                    httpUrl("source", p.source(), false);
                });
            }
        });
    }

    private void httpUrl(String field, String value, boolean required) {
        if (value.isEmpty()) {
            if (required) fail(field, "is required");
        } else if (!Rules.isHttpUrl(value)) {
            failValue(field, value, "is not a valid HTTP/HTTPS URL");
        }
    }

    private void builders(CommonConfig c) {
        Set<String> seen = new HashSet<>();
        boolean repeated = false;
        for (Builder b : c.builders()) {
            if (!(b instanceof CustomBuilder) && !seen.add(b.type())) repeated = true;
        }
        if (repeated) fail("builders", "contains disallowed repetitions of entries");
        if (c.node() != null || c.php() != null || c.python() != null || c.builder() != null) {
            fail("builders", "is not allowed if any of field(s) \"node php python builder\" is declared/included");
        }
    }

    private void builder(Builder b) {
        if (b.requirements() != null) artifacts("requirements", b.requirements());
        if (b instanceof NodeBuilder n) {
            if (!n.env().isEmpty() && !Rules.NODE_ENV.matcher(n.env()).matches()) {
                failValue("env", n.env(), "is not a valid Node environment name");
            }
        } else if (b instanceof PythonBuilder p) {
            python(p);
        } else if (b instanceof CustomBuilder cb) {
            custom(cb);
        }
    }

    private void python(PythonBuilder p) {
        if (!p.poetry().version().isEmpty() && !Rules.isPythonVersionSpec(p.poetry().version())) {
            failValueAt("poetry.version", "version", p.poetry().version(), "is not a valid Python package version specification");
        }
        if (!p.version().isEmpty() && !Rules.PYTHON_EXECUTABLE.matcher(p.version()).matches()) unsafe("version", p.version());
        versionSpec("pip-version", p.pipVersion());
        versionSpec("setuptools-version", p.setuptoolsVersion());
        versionSpec("tox-version", p.toxVersion());
        versionSpec("wheel-version", p.wheelVersion());
        for (String[] f : new String[][] {{"only", p.poetry().only()}, {"without", p.poetry().without()}}) {
            if (!f[1].isEmpty() && !Rules.VERSION_SPEC.matcher(f[1]).matches()) {
                failValueAt("poetry." + f[0], f[0], f[1], "contains characters that are not allowed");
            }
        }
        if (!p.venv().isEmpty()) {
            if (!Rules.isAbsNonRootPath(p.venv())) failValue("venv", p.venv(), "is not a valid absolute non-root path");
            else if (!Rules.isSafeText(p.venv())) unsafe("venv", p.venv());
        }
    }

    private void versionSpec(String field, String value) {
        if (!value.isEmpty() && !Rules.VERSION_SPEC.matcher(value).matches()) unsafe(field, value);
    }

    private void custom(CustomBuilder cb) {
        if (cb.command() != null && !cb.script().isEmpty()) {
            fail("command", "is not allowed if any of field(s) \"script\" is declared/included");
            fail("script", "is not allowed if any of field(s) \"command\" is declared/included");
        }
        List<Mount> mounts = cb.mountsOrEmpty();
        if (new HashSet<>(mounts).size() != mounts.size()) fail("mounts", "cannot contain duplicates");
        for (int i = 0; i < mounts.size(); i++) {
            Mount m = mounts.get(i);
            within("mounts[" + i + "]", () -> {
                if (m.from().isEmpty()) fail("from", "is required");
                else if (!Artifact.LOCAL.equals(m.from()) && !variantNames.contains(m.from()) && !Rules.isImageRef(m.from())) {
                    failValue("from", m.from(), "is not a valid image reference or known variant");
                }
                if (!Rules.isSafePathWithVariables(m.source())) unsafe("source", m.source());
                if (!Rules.isSafePathWithVariables(m.destination())) unsafe("destination", m.destination());
            });
        }
        List<Cache> caches = cb.cachesOrEmpty();
        if (new HashSet<>(caches).size() != caches.size()) fail("caches", "cannot contain duplicates");
        for (int i = 0; i < caches.size(); i++) {
            Cache c = caches.get(i);
            within("caches[" + i + "]", () -> {
                if (c.destination().isEmpty()) fail("destination", "is required");
                else if (!Rules.isSafePathWithVariables(c.destination())) unsafe("destination", c.destination());
                if (!Rules.isSafePathWithVariables(c.id()) || c.id().contains(",")) unsafe("id", c.id());
                if (!Set.of("shared", "locked", "private").contains(c.access())) {
                    failValue("access", c.access(), "is not one of shared, locked, private");
                }
            });
        }
    }

    private void artifacts(String field, List<Artifact> list) {
        if (new HashSet<>(list).size() != list.size()) fail(field, "cannot contain duplicates");
        for (int i = 0; i < list.size(); i++) {
            Artifact a = list.get(i);
            within(field + "[" + i + "]", () -> artifact(a));
        }
    }

    private void artifact(Artifact a) {
        if (a.from().isEmpty()) {
            fail("from", "is required");
        } else if (!Artifact.LOCAL.equals(a.from()) && !variantNames.contains(a.from()) && !Rules.isImageRef(a.from())) {
            failValue("from", a.from(), "is not a valid image reference or known variant");
        }
        if (a.isLocal() && !a.source().isEmpty() && !Rules.isRelativeLocal(a.source())) {
            fail("source", "path must be relative when \"from\" is \"local\"");
        }
        if (!a.destination().isEmpty() && a.source().isEmpty()) fail("source", "is required if \"destination\" is also set");
        if (!Rules.isSafeText(a.source())) unsafe("source", a.source());
        if (!Rules.isSafeText(a.destination())) unsafe("destination", a.destination());
        for (int i = 0; i < a.exclude().size(); i++) {
            if (!Rules.EXCLUDE.matcher(a.exclude().get(i)).matches()) unsafe("exclude[" + i + "]", a.exclude().get(i));
        }
    }

    private void lives(Lives l) {
        if (!l.in().isEmpty()) absPath("in", l.in());
        if (!l.as().isEmpty() && !Rules.isUserName(l.as())) failValue("as", l.as(), "is not a valid user name");
    }

    private void runs(Runs r) {
        if (!r.in().isEmpty()) absPath("in", r.in());
        if (!r.as().isEmpty() && !Rules.isUserName(r.as())) failValue("as", r.as(), "is not a valid user name");
        envNames("environment", r.environment());
    }

    private void absPath(String field, String value) {
        if (!Rules.isAbsNonRootPath(value)) failValue(field, value, "is not a valid absolute non-root path");
        else if (!Rules.isSafeText(value)) unsafe(field, value);
    }
}
