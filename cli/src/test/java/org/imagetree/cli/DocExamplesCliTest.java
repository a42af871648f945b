package org.imagetree.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The docs' command examples as a newcomer runs them (issue 26: "each example command run as written"): every
 * {@code imagetree} line of README.md and docs/*.md (indented or fenced code) is either run here, in README order then the docs',
 * on a copy of {@code examples/tree} (its {@code config.yaml} pointed at a registry of the test's own), or names the
 * test class that runs that command end to end (base images need debuerreotype as root, the security commands APT
 * sources, Blubber, pipelines and the policy commands inputs of their own). A line with {@code -c config.yaml} runs in
 * process with {@code config.yaml} and {@code images} the copy's; a line without runs as its own process in the copy,
 * where the default {@code config.yaml} is found. A bracketed option ({@code [--format json]}) is run both ways. A new
 * line that is neither fails here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DocExamplesCliTest {
    private static final Pattern EXAMPLE = Pattern.compile("^(?:bin/)?imagetree (.*?)(?:\\s+#.*)?$");
    private static final Pattern OPTIONAL = Pattern.compile("\\[([^\\]]*)\\]");
    /** Doc commands run by other tests, the first words after the program's options: the class that runs them. */
    private static final Map<String, String> ELSEWHERE = new LinkedHashMap<>();

    static {
        ELSEWHERE.put("base build", "org.imagetree.cli.BaseRefreshCliTest"); // and core's BaseImageTreeTest (debuerreotype, as root)
        ELSEWHERE.put("refresh", "org.imagetree.cli.BaseRefreshCliTest");
        ELSEWHERE.put("build --rebuild-stale", "org.imagetree.base.BaseImageTreeTest");
        ELSEWHERE.put("security scan", "org.imagetree.cli.SecurityCliTest");
        ELSEWHERE.put("security update", "org.imagetree.cli.SecurityCliTest");
        ELSEWHERE.put("stale", "org.imagetree.cli.SecurityCliTest");
        ELSEWHERE.put("blubber", "org.imagetree.cli.BlubberCliTest");
        ELSEWHERE.put("pipeline", "org.imagetree.cli.PipelineCliTest");
        ELSEWHERE.put("policy manifests", "org.imagetree.cli.PolicyCliTest");
        ELSEWHERE.put("policy webhook", "org.imagetree.cli.WebhookStartCliTest");
        ELSEWHERE.put("policy check", "org.imagetree.cli.PolicyCliTest");
    }

    LocalRegistry registry;
    Path tree;

    @BeforeAll
    void setUp() throws Exception {
        registry = LocalRegistry.start();
        tree = Files.createTempDirectory("itdocexamples");
        TestEnvironment.copyTree(TestEnvironment.repo().resolve("examples/tree"), tree);
        Path config = tree.resolve("config.yaml");
        Files.writeString(config, Files.readString(config).replace("127.0.0.1:5000", registry.host()));
        assertThat(TestEnvironment.publishBaseImage(registry.host())).isEqualTo(registry.host() + "/bookworm:latest");
        // lint --against origin/main: the copy is a clone whose main is what was copied.
        Map<String, String> env = Map.of();
        String dir = tree.toString();
        TestEnvironment.run(env, "git", "-C", dir, "init", "-q");
        TestEnvironment.run(env, "git", "-C", dir, "add", "-A");
        TestEnvironment.run(env, "git", "-C", dir, "-c", "user.name=Test", "-c", "user.email=t@example.org", "commit", "-q", "-m", "example tree");
        TestEnvironment.run(env, "git", "-C", dir, "update-ref", "refs/remotes/origin/main", "HEAD");
    }

    @AfterAll
    void tearDown() throws Exception {
        try {
            String docker = "/usr/bin/docker";
            String host = TestEnvironment.dockerHost();
            // An image pulled by digest is listed with the tag <none>: it is removed by its id, not by a reference the daemon refuses.
            java.util.Set<String> removals = new java.util.LinkedHashSet<>();
            for (String line : TestEnvironment.run(Map.of(), docker, "-H", host, "images", "--no-trunc", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}").lines().toList()) {
                String[] idAndReference = line.split(" ", 2);
                if (registry == null || idAndReference.length < 2 || !idAndReference[1].startsWith(registry.host() + "/")) continue;
                removals.add(idAndReference[1].endsWith(":<none>") ? idAndReference[0] : idAndReference[1]);
            }
            for (String image : removals) TestEnvironment.run(Map.of(), docker, "-H", host, "rmi", "-f", image);
        } finally {
            if (registry != null) registry.close();
            if (tree != null) org.imagetree.testing.SignedAptRepository.deleteTree(tree);
        }
    }

    /** The example command lines (indented or fenced code) of README.md, then of docs/*.md, without the program and a trailing comment. */
    static List<String> examples() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(TestEnvironment.repo().resolve("README.md")));
        try (java.util.stream.Stream<Path> s = Files.list(TestEnvironment.repo().resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        List<String> out = new ArrayList<>();
        for (Path doc : docs) {
            boolean fenced = false;
            for (String line : Files.readString(doc).lines().toList()) {
                if (line.startsWith("```")) {
                    fenced = !fenced;
                    continue;
                }
                if (!fenced && !line.startsWith("    ")) continue;
                Matcher m = EXAMPLE.matcher(line.strip());
                if (m.matches()) out.add(m.group(1).strip());
            }
        }
        return out;
    }

    /** Words as a shell splits them (single quotes only, as the docs write them). */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("'([^']*)'|(\\S+)").matcher(line);
        while (m.find()) out.add(m.group(1) != null ? m.group(1) : m.group(2));
        return out;
    }

    /** Each way to write {@code line}'s bracketed options: all left out, then all given. */
    static List<String> variants(String line) {
        if (!OPTIONAL.matcher(line).find()) return List.of(line);
        return List.of(OPTIONAL.matcher(line).replaceAll("").replaceAll("\\s+", " ").strip(),
                OPTIONAL.matcher(line).replaceAll("$1").replaceAll("\\s+", " ").strip());
    }

    /** The command's words after the program's own options ({@code -c FILE}, {@code --info}). */
    static String command(List<String> words) {
        int i = 0;
        while (i < words.size() && words.get(i).startsWith("-")) i += words.get(i).equals("-c") ? 2 : 1;
        return String.join(" ", words.subList(i, words.size()));
    }

    @Test
    void everyDocExampleRunsAsWrittenOrIsRunByTheTestItNames() throws Exception {
        List<String> examples = examples();
        assertThat(examples).as("example lines in the docs").hasSizeGreaterThan(25);
        List<String> ran = new ArrayList<>();
        for (String example : examples) {
            String command = command(words(OPTIONAL.matcher(example).replaceAll(" ")));
            String elsewhere = ELSEWHERE.keySet().stream().filter(k -> command.equals(k) || command.startsWith(k + " ")).findFirst().orElse(null);
            if (elsewhere != null) {
                assertThat(Class.forName(ELSEWHERE.get(elsewhere))).as("the test that runs `%s`", example).isNotNull();
                continue;
            }
            for (String variant : variants(example)) {
                assertThat(variant).as("doc line `%s` is neither runnable as written nor run elsewhere", example)
                        .doesNotContainPattern("[A-Z]{3,}|…|\\.\\.\\.|\\|");
                Map<String, String> env = Map.of("DEBFULLNAME", "Doc Reader", "DEBEMAIL", "reader@example.org");
                CliRun r;
                if (words(variant).contains("-c")) {
                    List<String> args = new ArrayList<>();
                    for (String w : words(variant)) {
                        args.add(switch (w) {
                            case "config.yaml" -> tree.resolve("config.yaml").toString();
                            case "images" -> tree.resolve("images").toString();
                            default -> w;
                        });
                    }
                    r = CliRun.of(env, args.toArray(String[]::new));
                } else {
                    CliProcess p = CliProcess.run(tree, env, words(variant).toArray(String[]::new));
                    r = new CliRun(p.exitCode(), p.out(), p.err());
                }
                assertThat(r.exitCode()).as("imagetree %s%n%s", variant, r.all()).isZero();
                check(command(words(variant)), r);
                ran.add(variant);
            }
        }
        assertThat(ran).as("doc examples run here").contains("-c config.yaml build images --select '*tools:*'",
                "-c config.yaml plan --format json images", "-c config.yaml lint images --against origin/main", "plan --check-stale images");
    }

    /** What each command run here must have done, beyond exit 0. */
    private void check(String command, CliRun r) throws IOException {
        String verb = command.split(" ")[0];
        switch (verb) {
            case "build" -> assertThat(r.out()).contains("tools").containsPattern("[1-9] published");
            case "update" -> {
                assertThat(r.out()).contains("* tools: 1.0.0-1 -> 1.0.0-1-s1");
                assertThat(Files.readString(tree.resolve("images/tools/changelog"))).startsWith("tools (1.0.0-1-s1)").contains("* Security update");
            }
            case "prune" -> assertThat(r.out()).contains("removed");
            case "plan" -> {
                if (command.contains("json")) assertThat(new ObjectMapper().readTree(r.out()).path("images")).hasSize(6);
                else assertThat(r.out()).contains(registry.host() + "/tools:1.0.0-1-s1");
            }
            case "render" -> {
                if (command.contains("json")) assertThat(new ObjectMapper().readTree(r.out()).path("tools").path("dockerfile").asText())
                        .startsWith("FROM " + registry.host() + "/bookworm:latest");
                else assertThat(r.out()).contains("FROM " + registry.host() + "/bookworm:latest");
            }
            case "graph" -> assertThat(r.out()).contains(command.contains("mermaid") ? "graph " : "digraph").contains("tools");
            case "lint" -> assertThat(r.out()).contains("lint: no problems");
            default -> throw new AssertionError("doc command `" + command + "` has no check here: add one");
        }
        assertThat(r.all()).as(command).doesNotContainPattern("(?m)^warning: ");
    }
}
