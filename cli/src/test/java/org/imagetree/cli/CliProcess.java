package org.imagetree.cli;

import org.imagetree.testing.TestEnvironment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The command line as its own JVM (as Jenkins runs it): own working directory, java.io.tmpdir and HOME. */
record CliProcess(int exitCode, String out, String err) {
    static CliProcess run(Path workDir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path javaTmp = Files.createDirectories(workDir.resolve("java-tmp"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Djava.io.tmpdir=" + javaTmp, Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
                .redirectOutput(workDir.resolve("stdout.txt").toFile()).redirectError(workDir.resolve("stderr.txt").toFile());
        pb.environment().put("DOCKER_HOST", TestEnvironment.dockerHost());
        pb.environment().put("HOME", Files.createDirectories(workDir.resolve("home")).toString());
        pb.environment().remove("XDG_CONFIG_HOME");
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("imagetree did not finish: " + String.join(" ", args));
        }
        return new CliProcess(p.exitValue(), Files.readString(workDir.resolve("stdout.txt"), StandardCharsets.UTF_8),
                Files.readString(workDir.resolve("stderr.txt"), StandardCharsets.UTF_8));
    }

    String all() { return out + err; }
}
