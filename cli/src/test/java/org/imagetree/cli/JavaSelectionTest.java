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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which Java runs what: bin/imagetree runs the command line on the newest Java it finds and keeps its class-data
 * archive per Java; scripts/lib.sh gives the build a JDK of Java 21 or newer, or says in one line that there is none.
 * The JVMs here are stand-ins: a directory with a {@code release} file naming a version and a {@code bin/java} that
 * notes it ran and then runs this test's own Java.
 */
class JavaSelectionTest {
    @TempDir Path tmp;

    /** A stand-in JVM {@code root/name} of version {@code version}; {@code bin/java} appends its name to {@code ran}. */
    private Path jvm(Path root, String name, String version, boolean jdk) throws IOException {
        Path home = Files.createDirectories(root.resolve(name).resolve("bin"));
        Files.writeString(root.resolve(name).resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n");
        String realJava = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        write(home.resolve("java"), "#!/bin/sh\necho " + name + " >>'" + tmp.resolve("ran") + "'\nexec '" + realJava + "' \"$@\"\n");
        if (jdk) write(home.resolve("javac"), "#!/bin/sh\nexit 0\n");
        return root.resolve(name);
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text);
        file.toFile().setExecutable(true);
    }

    private List<String> ran() throws IOException {
        Path ran = tmp.resolve("ran");
        return Files.exists(ran) ? Files.readAllLines(ran).stream().distinct().toList() : List.of();
    }

    /** {@code install/bin/imagetree} and a {@code cli/target/imagetree-cli-all.jar} naming this test's classpath. */
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

    private record Result(int exitCode, String out, String err) {}

    private Result run(Map<String, String> env, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("JAVA_HOME");
        pb.environment().remove("IMAGETREE_JAVA");
        pb.environment().remove("IMAGETREE_JAVA_OPTS");
        pb.environment().putAll(env);
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        int rc = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start().waitFor();
        return new Result(rc, Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static List<Path> archives(Path cacheRoot) throws IOException {
        try (Stream<Path> s = Files.walk(cacheRoot)) {
            // the static archive (Java 17 to 24) or the AOT cache (Java 25 and newer)
            return s.filter(p -> p.getFileName().toString().equals("imagetree.jsa")
                    || p.getFileName().toString().equals("imagetree.aot")).toList();
        }
    }

    @Test
    void theLauncherRunsTheNewestJavaAndKeepsAnArchivePerJava() throws Exception {
        Path install = install();
        Path jvms = Files.createDirectories(tmp.resolve("jvm"));
        jvm(jvms, "java-11", "11.0.2", true);
        jvm(jvms, "java-99", "99.0.1", false); // a JRE is enough to run the command line
        Path cache = tmp.resolve("cache");
        Path tree = TestEnvironment.repo().resolve("examples/tree");
        String[] render = {install.resolve("bin/imagetree").toString(), "-c", tree.resolve("config.yaml").toString(),
                "render", "--format", "json", tree.resolve("images").toString()};
        Map<String, String> env = new HashMap<>(Map.of("IMAGETREE_JVM_ROOT", jvms.toString(), "XDG_CACHE_HOME", cache.toString()));

        Result newest = run(env, render);
        assertThat(newest.exitCode()).as(newest.err()).isZero();
        assertThat(newest.err()).isEmpty();
        assertThat(newest.out()).contains("\"dockerfile\"");
        assertThat(ran()).as("99 is newer than 11 and than the java on PATH").containsExactly("java-99");
        assertThat(archives(cache)).hasSize(1);

        // JAVA_HOME is one of the candidates, not a choice: the newest still wins.
        Files.delete(tmp.resolve("ran"));
        env.put("JAVA_HOME", jvms.resolve("java-11").toString());
        Result withJavaHome = run(env, render);
        assertThat(withJavaHome.exitCode()).as(withJavaHome.err()).isZero();
        assertThat(ran()).containsExactly("java-99");

        // Another Java (IMAGETREE_JAVA chooses it) trains and keeps an archive of its own; the first one stays.
        Files.delete(tmp.resolve("ran"));
        env.put("IMAGETREE_JAVA", jvms.resolve("java-11/bin/java").toString());
        Result other = run(env, render);
        assertThat(other.exitCode()).as(other.err()).isZero();
        assertThat(other.out()).isEqualTo(newest.out());
        assertThat(ran()).containsExactly("java-11");
        assertThat(archives(cache)).hasSize(2);
        assertThat(archives(cache)).extracting(p -> p.getFileName().toString()).as("Java 99 records an AOT cache, Java 11 a static archive")
                .containsExactlyInAnyOrder("imagetree.aot", "imagetree.jsa");
    }

    /**
     * The static archive holds every action trained: the class lists of two runs number their classes differently,
     * and a union that kept both numbers was refused by the dump, so every later run trained again (issue 24).
     * Java 25 records an AOT cache once, again by the first {@code build}, and then uses it without recording.
     */
    @Test
    void eachActionTrainsOnceOnEitherKindOfCache() throws Exception {
        Path install = install();
        Path tree = TestEnvironment.repo().resolve("examples/tree");
        String launcher = install.resolve("bin/imagetree").toString();
        String config = tree.resolve("config.yaml").toString();
        String images = tree.resolve("images").toString();
        Path jvms = Files.createDirectories(tmp.resolve("jvm"));
        jvm(jvms, "java-17", "17.0.15", false);
        jvm(jvms, "java-25", "25.0.3", false);
        // "25cds": Java 25 told to keep the static archive (IMAGETREE_CLASS_CACHE=cds), as Java 17 does
        for (String variant : List.of("17", "25", "25cds")) {
            String version = variant.substring(0, 2);
            boolean staticArchive = !variant.equals("25");
            Path cache = tmp.resolve("cache-" + variant);
            Map<String, String> env = Map.of("IMAGETREE_JAVA", jvms.resolve("java-" + version + "/bin/java").toString(),
                    "XDG_CACHE_HOME", cache.toString(), "IMAGETREE_CLASS_CACHE", variant.endsWith("cds") ? "cds" : "on");
            for (String[] args : List.of(new String[] {"render", images}, new String[] {"plan", "--no-pull", images},
                    new String[] {"render", images}, new String[] {"plan", "--no-pull", images})) {
                List<String> cmd = new ArrayList<>(List.of(launcher, "-c", config));
                cmd.addAll(List.of(args));
                Result r = run(env, cmd.toArray(String[]::new));
                assertThat(r.exitCode()).as(r.err()).isZero();
                assertThat(r.err()).as(variant).isEmpty();
            }
            List<Path> trained;
            try (Stream<Path> s = Files.walk(cache)) {
                trained = s.filter(p -> p.getFileName().toString().equals("imagetree.trained")).toList();
            }
            assertThat(trained).hasSize(1);
            assertThat(Files.readAllLines(trained.get(0))).as("Java " + variant)
                    .isEqualTo(staticArchive ? List.of("plan", "render") : List.of("render"));
            assertThat(archives(cache)).singleElement().extracting(p -> p.getFileName().toString())
                    .isEqualTo(staticArchive ? "imagetree.jsa" : "imagetree.aot");
            try (Stream<Path> s = Files.list(trained.get(0).getParent())) {
                assertThat(s.map(p -> p.getFileName().toString())).as("no temporary file left")
                        .allMatch(n -> !n.matches(".*\\.[0-9]+$"));
            }
        }
    }

    /**
     * A jar with another modification time, older as well as newer (a reinstall may keep an older one), is another jar:
     * the cache is made again instead of being refused by the JVM on every later command.
     */
    @Test
    void anotherJarMakesTheCacheAgainEvenWithAnOlderTime() throws Exception {
        Path install = install();
        Path tree = TestEnvironment.repo().resolve("examples/tree");
        String[] render = {install.resolve("bin/imagetree").toString(), "-c", tree.resolve("config.yaml").toString(),
                "render", tree.resolve("images").toString()};
        Path cache = tmp.resolve("cache-jar");
        Map<String, String> env = Map.of("IMAGETREE_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "XDG_CACHE_HOME", cache.toString());
        assertThat(run(env, render).exitCode()).isZero();
        Path made = archives(cache).get(0);
        java.nio.file.attribute.FileTime first = Files.getLastModifiedTime(made);
        assertThat(run(env, render).exitCode()).isZero();
        assertThat(Files.getLastModifiedTime(made)).as("same jar: the cache is used, not made again").isEqualTo(first);
        Path jar = install.resolve("cli/target/imagetree-cli-all.jar");
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 86_400_000L));
        Result again = run(env, render);
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.err()).isEmpty();
        assertThat(archives(cache)).singleElement().satisfies(p -> assertThat(Files.getLastModifiedTime(p)).isNotEqualTo(first));
    }

    /** {@code bash -c 'source scripts/lib.sh; SCRIPT'} with only {@code tools} on PATH. */
    private Result lib(Map<String, String> env, String script) throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("tools"));
        for (String tool : List.of("sed", "readlink", "head", "cat")) {
            Path t = bin.resolve(tool);
            if (!Files.exists(t)) write(t, "#!/bin/sh\nexec /usr/bin/" + tool + " \"$@\"\n");
        }
        Map<String, String> e = new HashMap<>(env);
        e.put("PATH", bin.toString());
        return run(e, "/bin/bash", "-c", ". '" + TestEnvironment.repo().resolve("scripts/lib.sh") + "'; " + script);
    }

    @Test
    void theBuildGetsAJdkOfJava21OrNewerOrOneLineSayingThereIsNone() throws Exception {
        Path jvms = Files.createDirectories(tmp.resolve("jvm"));
        Path old = jvm(jvms, "jdk-17", "17.0.15", true);
        jvm(jvms, "jre-30", "30.0.1", false); // no javac: cannot build
        Path jdk25 = jvm(jvms, "jdk-25", "25.0.3", true);
        Path jdk21 = jvm(jvms, "jdk-21", "21.0.9", true);

        Result newest = lib(Map.of("IMAGETREE_JVM_ROOT", jvms.toString(), "JAVA_HOME", old.toString()),
                "use_build_jdk && echo \"$JAVA_HOME\"");
        assertThat(newest.exitCode()).as(newest.err()).isZero();
        assertThat(newest.out().strip()).as("JAVA_HOME of Java 17 is passed over").isEqualTo(jdk25.toString());

        Result home = lib(Map.of("IMAGETREE_JVM_ROOT", jvms.toString(), "JAVA_HOME", jdk21.toString()), "use_build_jdk && echo \"$JAVA_HOME\"");
        assertThat(home.out().strip()).as("a JAVA_HOME of Java 21 or newer is used as it is").isEqualTo(jdk21.toString());

        Path none = Files.createDirectories(tmp.resolve("no-jvm"));
        jvm(none, "jre-30", "30.0.1", false);
        Result missing = lib(Map.of("IMAGETREE_JVM_ROOT", none.toString(), "JAVA_HOME", old.toString()), "use_build_jdk; echo \"status $?\"");
        assertThat(missing.out().strip()).isEqualTo("status 1");
        assertThat(missing.err().lines().toList()).singleElement().asString()
                .contains("Java 21 or newer is missing").contains("JAVA_HOME").contains("/usr/lib/jvm/temurin-25-jdk-amd64");
    }
}
