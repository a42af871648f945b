package org.imagetree.blubber.acceptance;

import org.imagetree.blubber.compile.BlubberCompiler;
import org.imagetree.blubber.compile.CompileOptions;
import org.imagetree.blubber.compile.CompiledDockerfile;
import org.imagetree.blubber.config.BlubberConfig;
import org.imagetree.blubber.config.ConfigDecoder;
import org.imagetree.blubber.config.Expander;
import org.imagetree.blubber.config.Expansion;
import org.imagetree.blubber.config.PythonBuilder;
import org.imagetree.blubber.config.Variant;
import org.imagetree.execute.DockerCli;
import org.opentest4j.TestAbortedException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** The state of one scenario and the step definitions of Blubber's examples_test.go (spec §5.1). */
final class ScenarioWorld {
    static final String PYPI_REASON = "needs PyPI, which this machine cannot reach; the Python builder is covered by "
            + "PythonBuilderLocalWheelTest, which installs from a local wheel directory";
    /**
     * Package repositories of scenarios 03-2 and 03-3 that this machine cannot reach. Any other APT source is
     * used as it is, so a scenario with another unreachable source fails rather than being skipped.
     */
    static final java.util.Set<String> UNREACHABLE_APT_HOSTS = java.util.Set.of("apt.wikimedia.org", "packages.microsoft.com");
    static final String APT_SOURCES_COVERED_BY = "apt sources with components and signed-by keys, and target-release "
            + "package maps, are covered by AptSourcesLocalRepositoryTest, which installs from signed APT repositories "
            + "served on loopback";

    private final DockerCli docker;
    private final BaseImages bases;
    private final Path fixtures;
    private final Path temp;
    private final String imageTag;
    private Path context;
    private String image;
    private ImageFiles files;
    private Map<String, Object> inspect;
    private final List<String> substitutes = new ArrayList<>();

    ScenarioWorld(DockerCli docker, BaseImages bases, Path fixtures, Path temp, String imageTag) {
        this.docker = docker;
        this.bases = bases;
        this.fixtures = fixtures;
        this.temp = temp;
        this.imageTag = imageTag;
    }

    void run(Gherkin.Step step) throws Exception {
        String t = step.text();
        Matcher m;
        if ((m = match("^\"([^\"]+)\" as a working directory$", t)) != null) {
            workingDirectory(m.group(1));
        } else if ((m = match("^this \"([^\"]+)\"(?: (file|executable))?$", t)) != null) {
            Path file = context.resolve(m.group(1));
            Files.writeString(file, step.docString() + "\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(
                    "executable".equals(m.group(2)) ? "rwxr-xr-x" : "rw-r--r--"));
        } else if ((m = match("^you build (and run )?the \"([^\"]+)\" variant( with the following build arguments)?$", t)) != null) {
            Map<String, String> args = new LinkedHashMap<>();
            if (m.group(3) != null) step.table().forEach(row -> args.put(row.get(0), row.get(1)));
            build(m.group(2), args, m.group(1) != null);
        } else if ((m = match("^the image will (not )?have the following files in (?:\"([^\"]+)\"|the default working directory)$", t)) != null) {
            files(m.group(2) == null ? "/srv/app" : m.group(2), m.group(1) == null, step.table());
        } else if ((m = match("^the image will have the (user|group) \"([^\"]+)\" with (?:UID|GID) (\\d+)$", t)) != null) {
            String db = files().read(m.group(1).equals("user") ? "/etc/passwd" : "/etc/group");
            String expected = m.group(2) + ":" + m.group(3);
            assertThat(db.lines().map(l -> l.split(":")).filter(f -> f.length > 2).map(f -> f[0] + ":" + f[2]))
                    .as(m.group(1) + " database").contains(expected);
        } else if ((m = match("^the image runtime user will be \"([^\"]*)\"$", t)) != null) {
            assertThat(config().get("User")).isEqualTo(m.group(1));
        } else if ((m = match("^the image runtime directory will be \"([^\"]*)\"$", t)) != null) {
            assertThat(config().get("WorkingDir")).isEqualTo(m.group(1));
        } else if ((m = match("^the image entrypoint will be \"([^\"]*)\"$", t)) != null) {
            assertThat(config().get("Entrypoint")).isEqualTo(List.of(m.group(1)));
        } else if (t.equals("the image will not include default arguments")) {
            Object cmd = config().get("Cmd");
            assertThat(cmd == null || ((List<?>) cmd).isEmpty()).as("Cmd " + cmd + " is empty").isTrue();
        } else if (t.equals("the image will include environment variables")) {
            @SuppressWarnings("unchecked") List<String> env = (List<String>) config().get("Env");
            for (List<String> row : step.table()) {
                String[] kv = row.get(0).split("=", 2);
                assertThat(env).contains(kv[0] + "=" + unquote(kv[1]));
            }
        } else if (t.equals("the image will include labels")) {
            @SuppressWarnings("unchecked") Map<String, String> labels = (Map<String, String>) config().get("Labels");
            for (List<String> row : step.table()) {
                assertThat(labels).containsKey(row.get(0));
                if (row.size() > 1 && !row.get(1).isEmpty()) assertThat(labels.get(row.get(0))).isEqualTo(row.get(1));
            }
        } else if ((m = match("^the image will contain a file \"([^\"]+)\" that looks like$", t)) != null) {
            String content = files().read(m.group(1));
            assertThat(content.equals(step.docString()) || content.equals(step.docString() + "\n")).isTrue();
        } else if (t.equals("the entrypoint will have run successfully")) {
            assertThat(image).as("the variant was built and run").isNotNull();
        } else {
            fail("undefined step: " + step.keyword() + " " + t);
        }
    }

    private static Matcher match(String regex, String text) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.matches() ? m : null;
    }

    private static String unquote(String v) {
        return v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))
                ? v.substring(1, v.length() - 1) : v;
    }

    private void workingDirectory(String dir) throws IOException {
        Path source = fixtures.resolve(dir);
        if (!Files.isDirectory(source)) fail("no fixture application " + source);
        context = temp.resolve("context");
        ImageFiles.deleteTree(context);
        try (var s = Files.walk(source)) {
            for (Path p : s.toList()) {
                Path target = context.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private void build(String variant, Map<String, String> buildArgs, boolean runIt) throws Exception {
        BlubberConfig config = ConfigDecoder.readAndValidate(context.resolve("blubber.yaml"));
        Expansion expansion = Expander.expand(config, variant);
        for (Variant stage : expansion.stages()) {
            if (stage.common().allBuilders().stream().anyMatch(b -> b instanceof PythonBuilder)) {
                throw new TestAbortedException(PYPI_REASON);
            }
        }
        for (Variant stage : expansion.stages()) {
            for (var source : stage.common().apt().sources()) {
                String host = java.net.URI.create(source.url()).getHost();
                if (UNREACHABLE_APT_HOSTS.contains(host)) {
                    throw new TestAbortedException("needs the APT repository " + source.url() + " (and base image "
                            + stage.common().base() + "), which this machine cannot reach; " + APT_SOURCES_COVERED_BY);
                }
            }
        }
        for (Variant stage : expansion.stages()) {
            String base = stage.common().base();
            if (!base.isEmpty() && !bases.ensure(base)) {
                fail("no local image or Debian-built substitute for base image " + base
                        + " (Docker Hub is unreachable here: add a substitute to BaseImages)");
            }
            if (!base.isEmpty() && bases.isSubstitute(base) && !substitutes.contains(base)) substitutes.add(base);
        }
        CompiledDockerfile dockerfile = BlubberCompiler.compileDockerfile(expansion, CompileOptions.defaults());
        Files.writeString(temp.resolve("Dockerfile"), dockerfile.text());
        StringBuilder log = new StringBuilder();
        try {
            image = docker.build(new DockerCli.BuildRequest(context, dockerfile.text(), List.of(imageTag), buildArgs,
                    Map.of(), dockerfile.buildKit(), "", false), line -> log.append(line).append('\n'));
        } catch (DockerCli.DockerException e) {
            throw new AssertionError("build failed for Dockerfile:\n" + dockerfile.text() + "\n" + e.getMessage(), e);
        }
        if (runIt) {
            DockerCli.Result r = docker.run(imageTag, List.of(), Map.of());
            assertThat(r.exitCode()).as("entrypoint exit code, output:\n" + r.output()).isZero();
        }
    }

    private ImageFiles files() throws IOException, InterruptedException {
        if (files == null) files = new ImageFiles(docker, imageTag, temp);
        return files;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> config() throws IOException {
        if (inspect == null) {
            String json = docker.inspect(imageTag, "{{json .Config}}");
            inspect = new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, Map.class);
        }
        return inspect;
    }

    private void files(String dir, boolean present, List<List<String>> table) throws Exception {
        List<List<String>> rows = new ArrayList<>(table);
        boolean withOwner = !rows.isEmpty() && rows.get(0).equals(List.of("owner", "group", "name"));
        if (withOwner) rows.remove(0);
        for (List<String> row : rows) {
            String name = withOwner ? row.get(2) : row.get(0);
            ImageFiles.Entry e = files().entry(dir + "/" + name);
            if (!present) {
                assertThat(e).as(dir + "/" + name + " is absent").isNull();
                continue;
            }
            assertThat(e).as(dir + "/" + name + " exists").isNotNull();
            if (withOwner) {
                assertThat(e.uid()).as("owner of " + name).isEqualTo(Integer.parseInt(row.get(0)));
                assertThat(e.gid()).as("group of " + name).isEqualTo(Integer.parseInt(row.get(1)));
            }
        }
    }

    /** A note naming the Debian-built substitute bases this scenario used, or "". */
    String substitutesUsed() {
        return substitutes.isEmpty() ? "" : " (on Debian-built substitutes for " + String.join(", ", substitutes) + ")";
    }

    void cleanUp() {
        docker.removeImage(imageTag);
    }
}
