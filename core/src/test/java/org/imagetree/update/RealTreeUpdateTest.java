package org.imagetree.update;

import org.imagetree.ImageTreeEngine;
import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.imagetree.model.ImageTree;
import org.imagetree.model.ImageTreeLoader.LoadedTree;
import org.imagetree.read.ChangelogReader;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code update} on Wikimedia's production-images tree (shared/conformance): it completes for every image, every
 * dependant gets a version dpkg orders after its old one, and wherever docker-pkg 4.0.4 writes an entry (run on a
 * copy of the same tree) ours is the same bytes.
 */
class RealTreeUpdateTest {
    private static final Map<String, String> AUTHOR = Map.of("DEBFULLNAME", "Test Updater", "DEBEMAIL", "updater@example.org");
    private static final DateTimeFormatter STRFTIME_E = DateTimeFormatter.ofPattern("EEE, ppd MMM yyyy HH:mm:ss xx", Locale.ROOT);
    private static final Pattern TRAILER = Pattern.compile("^ -- .*?  (.+)$", Pattern.MULTILINE);

    @TempDir Path tmp;

    private static Path realTree() { return TestEnvironment.shared().resolve("conformance/production-images"); }

    private Path copy(String name) throws IOException {
        Path to = tmp.resolve(name);
        TestEnvironment.copyTree(realTree(), to);
        return to;
    }

    private static ImageTreeEngine engine(Path tree, Clock clock) {
        EngineConfig config = ConfigLoader.load(Optional.of(tree.resolve("config.yaml")), AUTHOR);
        return new ImageTreeEngine(config, null, null, AUTHOR, clock);
    }

    @Test
    void completesOnEveryImageWithGreaterVersions() throws IOException {
        Path tree = copy("all");
        Path images = tree.resolve("images");
        Clock clock = Clock.fixed(ZonedDateTime.of(2026, 12, 3, 23, 0, 0, 0, ZoneOffset.UTC).toInstant(), ZoneOffset.UTC);
        ImageTreeEngine engine = engine(tree, clock);
        LoadedTree loaded = engine.load(images, ImageTreeEngine.TagMode.RELEASE);
        ImageTree t = loaded.tree();
        Map<Path, byte[]> originals = new HashMap<>();
        for (String n : t.order()) originals.put(t.get(n).definition().changelog(), Files.readAllBytes(t.get(n).definition().changelog()));
        EngineConfig config = ConfigLoader.load(Optional.of(tree.resolve("config.yaml")), AUTHOR);

        StringBuilder dpkg = new StringBuilder();
        int templateOnly = 0;
        for (String name : t.order()) {
            List<TreeUpdater.Bump> bumps = new TreeUpdater(config, AUTHOR)
                    .update(t, images, name, "Security update", Optional.empty(), ZonedDateTime.now(clock));
            Set<String> expected = new TreeSet<>(t.descendants(List.of(name)));
            expected.add(name);
            Set<String> updated = bumps.stream().map(TreeUpdater.Bump::name).collect(Collectors.toCollection(TreeSet::new));
            assertThat(updated).as("images updated for %s", name).isEqualTo(expected);
            for (TreeUpdater.Bump b : bumps) {
                assertThat(ChangelogReader.newest(b.changelog()).version()).isEqualTo(b.newVersion());
                dpkg.append("dpkg --compare-versions '").append(b.newVersion()).append("' gt '").append(b.oldVersion())
                        .append("' 2>/dev/null || echo '").append(name).append(": ").append(b.newVersion()).append(" is not greater than ")
                        .append(b.oldVersion()).append("'\n");
                if (b.templateOnly()) templateOnly++;
                Files.write(b.changelog(), originals.get(b.changelog()));
            }
        }
        assertThat(TestEnvironment.run(Map.of(), "sh", "-c", dpkg.toString())).isEmpty();
        assertThat(templateOnly).as("the real tree has dependants reached only through templates").isPositive();
    }

    /**
     * docker-pkg on one copy, ours on another at the instant docker-pkg wrote: every changelog docker-pkg wrote is
     * byte-identical (docker-pkg writes entries one by one and stops at the first version it cannot bump, so a failed
     * run is compared on what it did write). Images only ours updated are exactly the template-only dependants and
     * those docker-pkg did not reach.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "python3-bookworm|Security update",
            "golang1.19|Security update",
            "knative-build|Security update",
            "openjdk-8-jre|New upstream release\\n* CVE-2026-0001",
            "amd-pytorch-common|Security update",
            "python3-bullseye|Security update",
    })
    void sameEntriesAsDockerPkg(String name, String reason) throws Exception {
        reason = reason.replace("\\n", "\n");
        Path theirs = copy("docker-pkg");
        Map<String, String> env = new HashMap<>(AUTHOR);
        env.put("TZ", "UTC");
        env.put("LC_ALL", "C");
        ProcessBuilder pb = new ProcessBuilder("bash", TestEnvironment.shared().resolve("peers/docker-pkg.sh").toString(),
                "-c", "config.yaml", "update", name, "--reason", reason, "images").directory(theirs.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        Map<Path, String> written = changed(theirs);
        if (rc == 0) assertThat(written).as("docker-pkg wrote nothing for %s:\n%s", name, log).isNotEmpty();

        // Group docker-pkg's entries by their trailer date (a run can cross a second boundary).
        Map<String, List<Path>> byDate = new TreeMap<>();
        for (Map.Entry<Path, String> e : written.entrySet()) {
            Matcher m = TRAILER.matcher(e.getValue());
            assertThat(m.find()).isTrue();
            byDate.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(e.getKey());
        }
        Set<Path> oursTemplateOnly = new TreeSet<>();
        Set<Path> oursAll = new TreeSet<>();
        if (byDate.isEmpty()) byDate.put(STRFTIME_E.format(ZonedDateTime.now(ZoneOffset.UTC)), List.of());
        int k = 0;
        for (Map.Entry<String, List<Path>> e : byDate.entrySet()) {
            ZonedDateTime when = ZonedDateTime.parse(e.getKey(), STRFTIME_E);
            Path ours = copy("ours-" + k++);
            List<TreeUpdater.Bump> bumps = engine(ours, Clock.fixed(when.toInstant(), ZoneOffset.UTC))
                    .update(ours.resolve("images"), name, reason, Optional.empty());
            for (TreeUpdater.Bump b : bumps) {
                Path rel = ours.relativize(b.changelog().toAbsolutePath());
                oursAll.add(rel);
                if (b.templateOnly()) oursTemplateOnly.add(rel);
            }
            for (Path rel : e.getValue()) {
                assertThat(Files.readString(ours.resolve(rel))).as("%s after update %s", rel, name).isEqualTo(written.get(rel));
            }
        }
        for (Path rel : written.keySet()) assertThat(oursTemplateOnly).as("docker-pkg updates no template-only dependant").doesNotContain(rel);
        if (rc == 0) {
            Set<Path> controlOnly = new TreeSet<>(oursAll);
            controlOnly.removeAll(oursTemplateOnly);
            assertThat(controlOnly).as("where docker-pkg succeeds it updates exactly our control dependants").isEqualTo(written.keySet());
        } else {
            assertThat(log).contains("Was not able to match version");
        }
    }

    /** Changelogs that differ from the real tree, relative to the copy, with their new text. */
    private static Map<Path, String> changed(Path copy) throws IOException {
        Map<Path, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(copy.resolve("images"))) {
            for (Path p : s.filter(f -> f.getFileName().toString().equals("changelog")).toList()) {
                Path rel = copy.relativize(p);
                String now = Files.readString(p);
                if (!now.equals(Files.readString(realTree().resolve(rel)))) out.put(rel, now);
            }
        }
        return out;
    }
}
