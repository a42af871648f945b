package org.imagetree.pipeline.execute;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The external programs a pipeline runs (git for {@code promote}, helm for {@code deploy}, the review command): an
 * explicit argument vector (no shell), an explicit environment, output line by line, a time limit; an interrupted caller
 * stops the program. Stateless.
 */
final class Processes {
    private Processes() {}

    /** Exit status and output (stdout and stderr together). */
    record Result(int exitCode, String output) {}

    static Result run(List<String> argv, Map<String, String> environment, Path directory, Consumer<String> log, Duration timeout)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        if (directory != null) pb.directory(directory.toFile());
        pb.environment().clear();
        pb.environment().putAll(environment);
        Process p = pb.start();
        p.getOutputStream().close();
        StringBuffer all = new StringBuffer();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    all.append(line).append('\n');
                    log.accept(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "process-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new IOException(argv.get(0) + " ran longer than " + timeout.toSeconds() + " s and was stopped");
            }
            reader.join(5_000);
            return new Result(p.exitValue(), all.toString());
        } catch (InterruptedException e) {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly();
            throw e;
        }
    }

    /** PATH and HOME of {@code env}, the only variables a child gets besides those named. */
    static Map<String, String> base(Map<String, String> env) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        out.put("PATH", env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        if (env.get("HOME") != null) out.put("HOME", env.get("HOME"));
        return out;
    }

    static List<String> argv(String... words) { return new ArrayList<>(List.of(words)); }
}
