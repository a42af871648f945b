package org.imagetree.blubber.compile;

import org.imagetree.blubber.config.AptConfig;
import org.imagetree.blubber.config.AptProxy;
import org.imagetree.blubber.config.AptSource;
import org.imagetree.blubber.config.Artifact;
import org.imagetree.blubber.config.BlubberError;
import org.imagetree.blubber.config.Builder;
import org.imagetree.blubber.config.Cache;
import org.imagetree.blubber.config.CommonConfig;
import org.imagetree.blubber.config.CustomBuilder;
import org.imagetree.blubber.config.Expansion;
import org.imagetree.blubber.config.Mount;
import org.imagetree.blubber.config.NodeBuilder;
import org.imagetree.blubber.config.PathUtil;
import org.imagetree.blubber.config.PhpBuilder;
import org.imagetree.blubber.config.PythonBuilder;
import org.imagetree.blubber.config.Variant;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Compiles one expanded variant into one Dockerfile stage: five phases in Blubber's order (spec §3.5). */
final class StageCompiler {
    static final String LIB_DIR = "/opt/lib";
    static final String POETRY_DIR = "/opt/lib/poetry";
    static final String LIVES_CHOWN = "$LIVES_UID:$LIVES_GID";
    private static final String PROXY_FILE = "/etc/apt/apt.conf.d/99blubber-proxies";
    private static final String SOURCES_FILE = "/etc/apt/sources.list.d/99blubber.list";
    private static final String KEYRING_DIR = "/etc/apt/keyrings";

    private final Expansion expansion;
    private final Variant variant;
    private final CommonConfig c;
    private final boolean buildKit;
    private final boolean labsSyntax;
    private final StageWriter out = new StageWriter();

    StageCompiler(Expansion expansion, Variant variant, boolean buildKit, boolean labsSyntax) {
        this.expansion = expansion;
        this.variant = variant;
        this.c = variant.common();
        this.buildKit = buildKit;
        this.labsSyntax = labsSyntax;
    }

    List<String> compile() {
        if (c.isScratch()) {
            out.from("scratch", variant.name());
            for (CopyGroup g : expandedCopies()) copy("", g);
            if (c.entrypoint() != null && !c.entrypoint().isEmpty()) out.entrypoint(c.entrypoint());
            return out.lines();
        }
        privileged();
        privilegeDropped();
        for (Builder b : c.allBuilders()) preInstall(b);
        for (CopyGroup g : expandedCopies()) copy(LIVES_CHOWN, g);
        postInstall();
        return out.lines();
    }

    private void privileged() {
        out.from(c.base(), variant.name());
        out.user("");
        out.env("HOME", "/root");
        c.arguments().forEach(out::arg);
        apt(c.apt());
        out.arg("LIVES_AS", c.lives().as());
        out.arg("LIVES_UID", c.lives().uidOrZero());
        out.arg("LIVES_GID", c.lives().gidOrZero());
        List<String> lives = new ArrayList<>(createUser("LIVES"));
        for (String dir : List.of(c.lives().in(), LIB_DIR)) {
            lives.add("mkdir -p " + Quoting.go(dir));
            lives.add("chown \"$LIVES_UID\":\"$LIVES_GID\" " + Quoting.go(dir));
        }
        out.runAll(lives);
        out.arg("RUNS_AS", c.runs().as());
        out.arg("RUNS_UID", c.runs().uidOrZero());
        out.arg("RUNS_GID", c.runs().gidOrZero());
        out.runAll(createUser("RUNS"));
    }

    private static List<String> createUser(String prefix) {
        String name = "\"$" + prefix + "_AS\"", uid = "\"$" + prefix + "_UID\"", gid = "\"$" + prefix + "_GID\"";
        return List.of("(getent group " + gid + " || groupadd -o -g " + gid + " -r " + name + ")",
                "(getent passwd " + uid + " || useradd -l -o -m -d \"/home/$" + prefix + "_AS\" -r -g " + gid + " -u " + uid + " " + name + ")");
    }

    private void apt(AptConfig apt) {
        if (apt.isEmpty()) return;
        out.env("DEBIAN_FRONTEND", "noninteractive");
        if (!apt.proxies().isEmpty()) {
            StringBuilder text = new StringBuilder();
            for (AptProxy p : apt.proxies()) {
                if (p.source().isEmpty()) {
                    text.append("Acquire::").append(URI.create(p.url()).getScheme()).append("::Proxy \"").append(p.url()).append("\";\n");
                } else {
                    URI s = URI.create(p.source());
                    text.append("Acquire::").append(s.getScheme()).append("::Proxy::").append(s.getHost())
                            .append(" \"").append(p.url()).append("\";\n");
                }
            }
            writeFile(PROXY_FILE, text.toString());
        }
        List<String> keyrings = new ArrayList<>();
        for (AptSource s : apt.sources()) {
            if (s.signedBy().isEmpty()) {
                keyrings.add("");
            } else {
                String path = KEYRING_DIR + "/" + sha256(s.signedBy()) + ".asc";
                writeFile(path, s.signedBy());
                keyrings.add(path);
            }
        }
        if (!apt.sources().isEmpty()) {
            out.run("apt-get update && apt-get install -y \"ca-certificates\"");
            StringBuilder list = new StringBuilder();
            for (int i = 0; i < apt.sources().size(); i++) {
                AptSource s = apt.sources().get(i);
                list.append("deb ");
                if (!keyrings.get(i).isEmpty()) list.append("[signed-by=").append(keyrings.get(i)).append("] ");
                list.append(s.url()).append(' ').append(s.distribution());
                for (String comp : s.components()) list.append(' ').append(comp);
                list.append('\n');
            }
            writeFile(SOURCES_FILE, list.toString());
        }
        List<String> run = new ArrayList<>();
        if (apt.hasPackages()) run.add("apt-get update");
        new TreeMap<>(apt.packages()).forEach((release, pkgs) -> {
            if (pkgs.isEmpty()) return;
            String t = AptConfig.DEFAULT_RELEASE.equals(release) ? "" : "-t " + Quoting.go(release) + " ";
            run.add("apt-get install -y " + t + Quoting.args(pkgs));
        });
        run.add("rm -rf /var/lib/apt/lists/*");
        if (!apt.proxies().isEmpty()) run.add("rm -f " + Quoting.go(PROXY_FILE));
        out.runAll(run);
    }

    /** Blubber's File instruction for Dockerfiles: base64 avoids every quoting problem (spec §3.9). */
    private void writeFile(String path, String content) {
        String b64 = Base64.getEncoder().encodeToString(content.getBytes(StandardCharsets.UTF_8));
        out.run("mkdir -p " + Quoting.go(PathUtil.dir(path)) + " && echo '" + b64 + "' | base64 -d > "
                + Quoting.go(path) + " && chmod 0644 " + Quoting.go(path));
    }

    private void privilegeDropped() {
        out.user("$LIVES_UID");
        out.env("HOME", "/home/" + c.lives().as());
        out.workdir(c.lives().in());
        out.env(c.runs().environment());
    }

    private void requirementCopies(Builder b) {
        if (b.requirements() == null) return;
        for (CopyGroup g : Requirements.group(b.requirements())) copy(LIVES_CHOWN, absolutize(g));
    }

    private void preInstall(Builder b) {
        if (b instanceof NodeBuilder n) {
            if (n.requirements() == null || n.requirements().isEmpty()) return;
            requirementCopies(n);
            String cmd = Boolean.TRUE.equals(n.useNpmCi()) ? "npm ci" : "npm install";
            if (n.env().equals("production")) {
                out.run(cmd + " \"--only=production\"");
                out.run(Boolean.TRUE.equals(n.allowDedupeFailure())
                        ? "npm dedupe || echo \"WARNING: npm dedupe failed, continuing anyways\"" : "npm dedupe");
            } else {
                out.run(cmd);
            }
        } else if (b instanceof PhpBuilder p) {
            if (p.requirements() == null || p.requirements().isEmpty()) return;
            requirementCopies(p);
            out.run("composer install \"--no-scripts\"" + (Boolean.TRUE.equals(p.production()) ? " \"--no-dev\"" : ""));
        } else if (b instanceof PythonBuilder p) {
            python(p);
        } else if (b instanceof CustomBuilder cb) {
            custom(cb);
        }
    }

    private void python(PythonBuilder p) {
        if (p.version().isEmpty() || p.requirements() == null) return;
        requirementCopies(p);
        String py = p.version();
        String venv = p.effectiveVenv();
        List<String> venvArgs = new ArrayList<>(List.of("-m", "venv", venv));
        if (Boolean.TRUE.equals(p.useSystemSitePackages())) venvArgs.add("--system-site-packages");
        out.run(py + " " + Quoting.args(venvArgs));
        out.env(Map.of("PATH", venv + "/bin:$PATH", "VIRTUAL_ENV", venv));
        String pip = py.startsWith("python2") && p.pipVersion().isEmpty() ? "pip<21" : "pip" + spec(p.pipVersion());
        String setuptools = "setuptools" + (p.setuptoolsVersion().isEmpty() ? "!=60.9.0" : spec(p.setuptoolsVersion()));
        out.runAll(List.of(py + " " + Quoting.args(List.of("-m", "pip", "install", "-U", setuptools)),
                py + " " + Quoting.args(List.of("-m", "pip", "install", "-U", "wheel" + spec(p.wheelVersion()),
                        "tox" + spec(p.toxVersion()), pip))));
        if (p.usesPoetry()) {
            out.env("POETRY_VIRTUALENVS_PATH", POETRY_DIR);
            out.run(py + " " + Quoting.args(List.of("-m", "pip", "install", "-U", "poetry" + p.poetry().version())));
            out.run("mkdir -p " + Quoting.go(POETRY_DIR));
            List<String> args = new ArrayList<>(List.of("install", "--no-root"));
            if (!p.poetry().only().isEmpty()) args.addAll(List.of("--only", p.poetry().only()));
            if (!p.poetry().without().isEmpty()) args.addAll(List.of("--without", p.poetry().without()));
            if (p.poetry().only().isEmpty() && p.poetry().without().isEmpty() && !Boolean.TRUE.equals(p.poetry().devel())) {
                args.add("--no-dev");
            }
            out.run("poetry " + Quoting.args(args));
        } else if (!p.requirements().isEmpty()) {
            List<String> args = new ArrayList<>(List.of("-m", "pip", "install"));
            if (Boolean.TRUE.equals(p.noDeps())) args.add("--no-deps");
            for (Artifact r : p.requirements()) {
                args.add("-r");
                args.add(Requirements.effectiveDestination(r));
            }
            out.run(py + " " + Quoting.args(args));
        }
    }

    /** A bare version becomes ==version; anything else is a specifier used verbatim. */
    static String spec(String v) {
        if (v.isEmpty()) return "";
        return Character.isDigit(v.charAt(0)) ? "==" + v : v;
    }

    private void custom(CustomBuilder cb) {
        requirementCopies(cb);
        String command;
        if (!cb.script().isEmpty()) command = script(cb.script());
        else if (cb.command() != null && !cb.command().isEmpty()) command = cb.command().isShell() ? cb.command().shell()
                : cb.command().argv().get(0) + (cb.command().argv().size() > 1
                        ? " " + Quoting.args(cb.command().argv().subList(1, cb.command().argv().size())) : "");
        else return;
        if (buildKit) {
            List<String> flags = new ArrayList<>();
            for (Mount m : cb.mountsOrEmpty()) flags.add(bindMount(m));
            for (Cache cache : cb.cachesOrEmpty()) flags.add(cacheMount(cache));
            out.run(flags.isEmpty() ? command : String.join(" ", flags) + " " + command);
            return;
        }
        if (!cb.cachesOrEmpty().isEmpty()) {
            out.user("");
            List<String> mk = new ArrayList<>();
            for (Cache cache : cb.cachesOrEmpty()) {
                mk.add("mkdir -p \"" + cache.destination() + "\"");
                mk.add("chown \"$LIVES_UID\":\"$LIVES_GID\" \"" + cache.destination() + "\"");
            }
            out.runAll(mk);
            out.user("$LIVES_UID");
        }
        List<String> cleanup = new ArrayList<>();
        for (Mount m : cb.mountsOrEmpty()) {
            if (PathUtil.clean(m.destination()).equals(".")) {
                throw new BlubberError(BlubberError.Kind.EXPANSION, expansion.config().file(), 0, "variant '"
                        + variant.name() + "': a mount to the working directory needs BuildKit (the classic builder cannot bind-mount)");
            }
            String from = mountStage(m);
            String source = mountSource(m);
            copy(LIVES_CHOWN, new CopyGroup(from, List.of(source), m.destination(), List.of()));
            cleanup.add("rm -rf \"" + m.destination() + "\"");
        }
        out.run(cleanup.isEmpty() ? command : command + "; rc=$?; " + String.join("; ", cleanup) + "; exit $rc");
    }

    /** The script runs from a temporary file that does not stay in the image; its exit status is kept. */
    private static String script(String script) {
        String text = script.startsWith("#!") ? script : "#!/bin/sh\n" + script;
        String path = "/tmp/blubber-script-" + sha256(text).substring(0, 12);
        String b64 = Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
        return "echo '" + b64 + "' | base64 -d > " + path + " && chmod 0555 " + path + " && " + path
                + "; rc=$?; rm -f " + path + "; exit $rc";
    }

    private String mountStage(Mount m) {
        return Artifact.LOCAL.equals(m.from()) ? "" : m.from();
    }

    private String mountSource(Mount m) {
        if (Artifact.LOCAL.equals(m.from())) return m.source().isEmpty() ? "." : m.source();
        if (m.source().startsWith("/")) return m.source();
        return PathUtil.join(sourceRoot(m.from()), m.source().isEmpty() ? "." : m.source());
    }

    private String bindMount(Mount m) {
        StringBuilder b = new StringBuilder("--mount=type=bind");
        if (!mountStage(m).isEmpty()) b.append(",from=").append(m.from());
        b.append(",source=").append(resolve(mountSource(m)));
        b.append(",target=").append(resolve(absoluteInWorkdir(m.destination())));
        return b.append(",rw").toString();
    }

    private String cacheMount(Cache cache) {
        String target = resolve(absoluteInWorkdir(cache.destination()));
        String id = cache.id().isEmpty() ? target : resolve(cache.id());
        return "--mount=type=cache,target=" + target + ",id=" + id + ",sharing=" + cache.access()
                + ",uid=" + c.lives().uidOrZero() + ",gid=" + c.lives().gidOrZero();
    }

    private String absoluteInWorkdir(String path) {
        return path.startsWith("/") || path.startsWith("$") ? path : PathUtil.join(c.lives().in(), path);
    }

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    /** Expands variables the compiler knows (runs.environment, then arguments); unknown ones are kept. */
    private String resolve(String text) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            String value = c.runs().environment().getOrDefault(name, c.arguments().get(name));
            m.appendReplacement(b, Matcher.quoteReplacement(value != null ? value : m.group()));
        }
        m.appendTail(b);
        return b.toString();
    }

    private void postInstall() {
        if (!c.runs().isInsecure()) {
            out.user("$RUNS_UID");
            out.env("HOME", "/home/$RUNS_AS");
        }
        for (Builder b : c.allBuilders()) {
            if (b instanceof NodeBuilder n && (!n.env().isEmpty() || (n.requirements() != null && !n.requirements().isEmpty()))) {
                out.env("NODE_ENV", n.env());
            } else if (b instanceof PythonBuilder p && Boolean.TRUE.equals(p.noDeps()) && !p.usesPoetry()
                    && !p.version().isEmpty() && p.requirements() != null) {
                out.run(p.version() + " " + Quoting.args(List.of("-m", "pip", "check")));
            }
        }
        if (!c.runs().in().isEmpty()) out.workdir(c.runs().in());
        if (c.entrypoint() != null && !c.entrypoint().isEmpty()) out.entrypoint(c.entrypoint());
    }

    /** The expanded copies (spec §3.3), sources from other variants made absolute. */
    private List<CopyGroup> expandedCopies() {
        List<CopyGroup> groups = new ArrayList<>();
        String appDir = c.lives().in();
        for (Artifact a : variant.copies()) {
            String from = a.isLocal() ? "" : a.from();
            if (a.source().isEmpty() && a.destination().isEmpty()) {
                if (from.isEmpty()) groups.add(new CopyGroup("", List.of("."), ".", a.exclude()));
                else {
                    groups.add(new CopyGroup(from, List.of(appDir), appDir, a.exclude()));
                    groups.add(new CopyGroup(from, List.of(LIB_DIR), LIB_DIR, a.exclude()));
                }
            } else {
                String dest = a.destination().isEmpty() ? a.source() : a.destination();
                groups.add(absolutize(new CopyGroup(from, List.of(a.source()), dest, a.exclude())));
            }
        }
        return groups;
    }

    /** Relative sources from another variant are relative to its final working directory, from an image to "/". */
    private CopyGroup absolutize(CopyGroup g) {
        if (g.isLocal()) return g;
        String root = sourceRoot(g.from());
        List<String> sources = g.sources().stream().map(s -> {
            if (s.startsWith("/")) return s;
            String abs = PathUtil.join(root, s);
            return s.endsWith("/") && !abs.equals("/") ? abs + "/" : abs;
        }).toList();
        return new CopyGroup(g.from(), sources, g.destination(), g.excludes());
    }

    private String sourceRoot(String from) {
        Variant source = expansion.stage(from);
        return source == null ? "/" : source.common().finalWorkingDirectory();
    }

    private void copy(String chown, CopyGroup g) {
        boolean useLabsExclude = buildKit && labsSyntax;
        out.copy(chown, g.from(), g.sources(), g.destination(), useLabsExclude ? g.excludes() : List.of());
        if (g.excludes().isEmpty() || useLabsExclude) return;
        if (c.isScratch()) {
            throw new BlubberError(BlubberError.Kind.EXPANSION, expansion.config().file(), 0, "variant '" + variant.name()
                    + "': exclude in a scratch variant needs BuildKit's labs syntax (--syntax)");
        }
        out.run(excludeCommand(g.effectiveDestination(), g.excludes()));
    }

    /** Classic fallback for exclude: delete the matches under the destination after the copy (as the lives user). */
    static String excludeCommand(String destination, List<String> patterns) {
        List<String> globs = new ArrayList<>();
        List<String> finds = new ArrayList<>();
        for (String p : patterns) {
            if (p.startsWith("!")) {
                throw new BlubberError(BlubberError.Kind.EXPANSION, null, 0,
                        "negated exclude pattern \"" + p + "\" needs BuildKit's labs syntax (--syntax)");
            }
            String rel = p.replaceAll("^/+", "");
            if (rel.contains("**")) finds.add("find . -path \"./" + rel.replace("**/", "*").replace("/**", "/*")
                    .replace("**", "*") + "\" -prune -exec rm -rf {} +");
            else globs.add(rel);
        }
        List<String> cmds = new ArrayList<>();
        cmds.add("cd \"" + destination + "\"");
        if (!globs.isEmpty()) cmds.add("for p in " + String.join(" ", globs) + "; do rm -rf -- \"$p\"; done");
        cmds.addAll(finds);
        return "(" + String.join(" && ", cmds) + ")";
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
