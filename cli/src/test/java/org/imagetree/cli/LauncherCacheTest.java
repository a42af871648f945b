package org.imagetree.cli;

import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bin/imagetree from a read-only install directory (a read-only bind mount in a private mount namespace, so that
 * even root cannot write there): the command succeeds with nothing on standard error, the class-data archive goes
 * to the user's cache directory, and a cache directory that cannot be written is passed over silently.
 */
class LauncherCacheTest {
    @TempDir Path tmp;

    /** {@code install/bin/imagetree} and {@code install/cli/target/imagetree-cli-all.jar} (a jar naming this test's classpath). */
    private Path install() throws IOException {
        Path install = tmp.resolve("install");
        Files.createDirectories(install.resolve("bin"));
        Files.copy(TestEnvironment.repo().resolve("bin/imagetree"), install.resolve("bin/imagetree"));
        install.resolve("bin/imagetree").toFile().setExecutable(true);
        Path target = Files.createDirectories(install.resolve("cli/target"));
        Path libs = Files.createDirectories(tmp.resolve("libs"));
        List<String> classPath = new ArrayList<>();
        int k = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p)) p = jarOf(p, libs.resolve("dir" + k++ + ".jar")); // class-data sharing takes jars only
            if (Files.isRegularFile(p)) classPath.add(p.toUri().toString());
        }
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", classPath));
        try (OutputStream out = Files.newOutputStream(target.resolve("imagetree-cli-all.jar")); JarOutputStream j = new JarOutputStream(out, m)) {
            // the manifest is the whole jar
        }
        return install;
    }

    private static Path jarOf(Path dir, Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out);
             Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                j.putNextEntry(new JarEntry(dir.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, j);
                j.closeEntry();
            }
        }
        return jar;
    }

    /** Runs the launcher with {@code install} mounted read-only. */
    private static Result runReadOnly(Path install, Map<String, String> env, String... args) throws Exception {
        String script = "mount --bind \"$1\" \"$1\" && mount -o remount,bind,ro \"$1\" \"$1\" || { echo 'cannot mount read-only' >&2; exit 99; }\n"
                + "touch \"$1/probe\" 2>/dev/null && { echo 'install directory still writable' >&2; exit 98; }\n"
                + "shift; exec bash \"$@\"\n";
        List<String> cmd = new ArrayList<>(List.of("unshare", "-m", "sh", "-c", script, "sh", install.toString(),
                install.resolve("bin/imagetree").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("XDG_CACHE_HOME");
        pb.environment().remove("IMAGETREE_JAVA_OPTS");
        pb.environment().putAll(env);
        Path out = Files.createTempFile("launcher", ".out");
        Path err = Files.createTempFile("launcher", ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        int rc = p.waitFor();
        Result r = new Result(rc, Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    private record Result(int exitCode, String out, String err) {}

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void aReadOnlyInstallRunsAndCachesInTheUsersCacheDirectory() throws Exception {
        Path install = install();
        List<String> before = files(install);
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path tree = TestEnvironment.repo().resolve("examples/tree");
        String[] args = {"-c", tree.resolve("config.yaml").toString(), "render", "--format", "json", tree.resolve("images").toString()};

        Result first = runReadOnly(install, Map.of("HOME", home.toString()), args);
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.err()).isEmpty();
        assertThat(first.out()).contains("\"dockerfile\"");
        assertThat(files(install)).isEqualTo(before);
        try (Stream<Path> s = Files.walk(home.resolve(".cache/imagetree"))) {
            // the static archive (Java 17 to 24) or the AOT cache (Java 25 and newer)
            assertThat(s.map(p -> p.getFileName().toString()).toList()).as("the archive and what it was trained on")
                    .contains("imagetree.trained").containsAnyOf("imagetree.jsa", "imagetree.aot");
        }

        // trained: the archive is used from the cache (same output, still nothing written to the install)
        Result second = runReadOnly(install, Map.of("HOME", home.toString()), args);
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out()).isEqualTo(first.out());
        assertThat(files(install)).isEqualTo(before);

        // another action joins the archive: its classes are added to those trained before (each run numbers its
        // classes in its own order; a union keeping those numbers failed to dump, and the action was trained again on
        // every run)
        // every run (IMAGETREE_CLASS_CACHE=cds: the static archive on any Java; the AOT cache of Java 25 is recorded
        // once, and again only by the first build)
        for (String kind : List.of("on", "cds")) {
            Map<String, String> env = Map.of("HOME", home.toString(), "IMAGETREE_CLASS_CACHE", kind);
            assertThat(runReadOnly(install, env, args).exitCode()).isZero();
            Result graph = runReadOnly(install, env, "-c", tree.resolve("config.yaml").toString(), "graph",
                    tree.resolve("images").toString());
            assertThat(graph.exitCode()).as(graph.err()).isZero();
            assertThat(graph.err()).isEmpty();
        }
        List<Path> trained;
        try (Stream<Path> s = Files.walk(home.resolve(".cache/imagetree"))) {
            trained = s.filter(p -> p.getFileName().toString().equals("imagetree.trained")).toList();
        }
        for (Path t : trained) {
            if (Files.exists(t.resolveSibling("imagetree.aot"))) assertThat(Files.readAllLines(t)).containsExactly("render");
            else assertThat(Files.readAllLines(t)).as(t.toString()).containsExactly("graph", "render");
        }
        assertThat(trained).as("a static archive trained").anyMatch(t -> Files.exists(t.resolveSibling("imagetree.jsa")));
    }

    @Test
    void aCacheDirectoryThatCannotBeWrittenIsPassedOverSilently() throws Exception {
        Path install = install();
        List<String> before = files(install);
        Path tree = TestEnvironment.repo().resolve("examples/tree");
        // XDG_CACHE_HOME inside the read-only install; HOME absent
        Result r = runReadOnly(install, Map.of("XDG_CACHE_HOME", install.resolve("cache").toString(), "HOME", ""),
                "-c", tree.resolve("config.yaml").toString(), "render", "--format", "json", tree.resolve("images").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("\"dockerfile\"");
        assertThat(files(install)).isEqualTo(before);
    }

    @Test
    void imagetreeClassCacheOffRunsWithoutACache() throws Exception {
        Path install = install();
        Path home = Files.createDirectories(tmp.resolve("home-off"));
        Path tree = TestEnvironment.repo().resolve("examples/tree");
        Result r = runReadOnly(install, Map.of("HOME", home.toString(), "IMAGETREE_CLASS_CACHE", "off"),
                "-c", tree.resolve("config.yaml").toString(), "render", "--format", "json", tree.resolve("images").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("\"dockerfile\"");
        assertThat(home.resolve(".cache")).as("nothing recorded, nothing made").doesNotExist();
    }
}
