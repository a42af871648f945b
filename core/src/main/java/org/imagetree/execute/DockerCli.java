package org.imagetree.execute;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The docker command line, for builds that need BuildKit ({@code DOCKER_BUILDKIT=1}), for running test images
 * and for pushing. The executable and the whole environment of the child process are explicit (nothing is
 * inherited implicitly). Builds and runs use host networking only. Build-argument and environment values are
 * never echoed: command lines in messages show names only.
 */
public final class DockerCli {
    /** Well-known locations tried after PATH when looking for a client that can use BuildKit. */
    public static final List<Path> KNOWN_LOCATIONS = List.of(Path.of("/usr/bin/docker"), Path.of("/usr/local/bin/docker"));

    private final Path executable;
    private final Map<String, String> environment;

    /**
     * @param executable  the docker client
     * @param environment the complete environment of the child process (e.g. PATH, HOME, DOCKER_HOST, DOCKER_CONFIG)
     */
    public DockerCli(Path executable, Map<String, String> environment) {
        this.executable = Objects.requireNonNull(executable);
        this.environment = Map.copyOf(environment);
    }

    /** The first {@code docker} on {@code PATH} of {@code env}, with the minimal environment taken from {@code env}. */
    public static DockerCli locate(Map<String, String> env) {
        return new DockerCli(findOnPath(env).orElseThrow(() -> new IllegalStateException("no docker executable on PATH")),
                minimalEnvironment(env));
    }

    /** The first client (PATH, then {@link #KNOWN_LOCATIONS}) that can build with BuildKit. */
    public static DockerCli locateWithBuildKit(Map<String, String> env) {
        List<Path> candidates = new ArrayList<>();
        findOnPath(env).ifPresent(candidates::add);
        candidates.addAll(KNOWN_LOCATIONS);
        for (Path p : candidates) {
            if (!Files.isExecutable(p)) continue;
            DockerCli cli = new DockerCli(p, minimalEnvironment(env));
            if (cli.supportsBuildKit()) return cli;
        }
        throw new IllegalStateException("no docker client with BuildKit support (buildx or a client older than 23) in " + candidates);
    }

    /** PATH, HOME, DOCKER_HOST, DOCKER_CONFIG, DOCKER_CERT_PATH, DOCKER_TLS_VERIFY and proxies, when set. */
    public static Map<String, String> minimalEnvironment(Map<String, String> env) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : List.of("PATH", "HOME", "DOCKER_HOST", "DOCKER_CONFIG", "DOCKER_CERT_PATH", "DOCKER_TLS_VERIFY",
                "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy")) {
            if (env.get(k) != null) out.put(k, env.get(k));
        }
        out.putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
        return out;
    }

    private static java.util.Optional<Path> findOnPath(Map<String, String> env) {
        String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, "docker");
            if (Files.isExecutable(p)) return java.util.Optional.of(p);
        }
        return java.util.Optional.empty();
    }

    public Path executable() { return executable; }

    /** The same client with one more (or a replaced) variable in the child's environment, e.g. DOCKER_CONFIG. */
    public DockerCli withEnvironment(String name, String value) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put(name, value);
        return new DockerCli(executable, env);
    }

    /** The client version, e.g. "20.10.24+dfsg1". */
    public String clientVersion() {
        Result r = exec(List.of("version", "--format", "{{.Client.Version}}"), Map.of(), null);
        if (r.exitCode() != 0 && r.output().isBlank()) throw new DockerException("docker version failed", r);
        return r.output().lines().findFirst().orElse("").trim();
    }

    /**
     * True when the client is older than 23 (DOCKER_BUILDKIT=1 is native) or {@code docker buildx version} works. The
     * version is asked first: for an old client that is the only run.
     */
    public boolean supportsBuildKit() {
        try {
            Matcher m = Pattern.compile("^(\\d+)\\.").matcher(clientVersion());
            if (m.find() && Integer.parseInt(m.group(1)) < 23) return true;
        } catch (DockerException e) {
            // no version: buildx decides
        }
        return exec(List.of("buildx", "version"), Map.of(), null).exitCode() == 0;
    }

    /** What to build. {@code target} may be empty (last stage). */
    public record BuildRequest(Path contextDir, String dockerfile, List<String> tags, Map<String, String> buildArgs,
                               Map<String, String> labels, boolean buildKit, String target, boolean noCache) {
        public BuildRequest {
            tags = List.copyOf(tags);
            buildArgs = Map.copyOf(buildArgs);
            labels = Map.copyOf(labels);
            target = target == null ? "" : target;
        }
    }

    /** Builds with {@code --network host}; returns the image id. Output lines go to {@code output}. */
    public String build(BuildRequest request, Consumer<String> output) {
        Path dir;
        try {
            dir = Files.createTempDirectory("imagetree-dockerfile");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Path dockerfile = dir.resolve("Dockerfile");
            Path iid = dir.resolve("iid");
            Files.writeString(dockerfile, request.dockerfile(), StandardCharsets.UTF_8);
            List<String> args = new ArrayList<>(List.of("build", "--network", "host", "-f", dockerfile.toString(),
                    "--iidfile", iid.toString()));
            if (request.noCache()) args.add("--no-cache");
            // The classic builder otherwise leaves the container of a failed step behind on a shared daemon.
            if (!request.buildKit()) args.add("--force-rm");
            if (request.buildKit()) args.addAll(List.of("--progress", "plain"));
            if (!request.target().isEmpty()) args.addAll(List.of("--target", request.target()));
            for (String tag : request.tags()) args.addAll(List.of("-t", tag));
            Map<String, String> childEnv = new LinkedHashMap<>();
            // Values travel in the child's environment ("--build-arg NAME" reads them), never on the command line.
            request.buildArgs().forEach((k, v) -> {
                args.addAll(List.of("--build-arg", k));
                childEnv.put(k, v);
            });
            request.labels().forEach((k, v) -> args.addAll(List.of("--label", k + "=" + v)));
            args.add(request.contextDir().toString());
            childEnv.put("DOCKER_BUILDKIT", request.buildKit() ? "1" : "0");
            Result r = exec(args, childEnv, output);
            if (r.exitCode() != 0) throw new DockerException("docker build failed (exit " + r.exitCode() + ")", r);
            return Files.readString(iid).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            ScratchDirectories.delete(dir);
        }
    }

    /** Runs {@code image} with {@code --rm --network host}; environment values are passed by name only. */
    public Result run(String image, List<String> args, Map<String, String> env) {
        List<String> cmd = new ArrayList<>(List.of("run", "--rm", "--network", "host"));
        env.keySet().forEach(k -> cmd.addAll(List.of("-e", k)));
        cmd.add(image);
        cmd.addAll(args);
        return exec(cmd, env, null);
    }

    /** Pushes {@code ref}; returns the pushed manifest digest ("sha256:…"). */
    public String push(String ref, Consumer<String> output) {
        Result r = exec(List.of("push", ref), Map.of(), output);
        if (r.exitCode() != 0) throw new DockerException("docker push failed (exit " + r.exitCode() + ")", r);
        Matcher m = Pattern.compile("digest: (sha256:[0-9a-f]{64})").matcher(r.output());
        if (!m.find()) throw new DockerException("docker push printed no digest", r);
        return m.group(1);
    }

    /** Pulls {@code ref}. */
    public void pull(String ref, Consumer<String> output) {
        Result r = exec(List.of("pull", ref), Map.of(), output);
        if (r.exitCode() != 0) throw new DockerException("docker pull failed (exit " + r.exitCode() + ")", r);
    }

    public void tag(String source, String target) {
        Result r = exec(List.of("tag", source, target), Map.of(), null);
        if (r.exitCode() != 0) throw new DockerException("docker tag failed", r);
    }

    /** {@code docker image inspect --format FORMAT image}. */
    public String inspect(String image, String format) {
        Result r = exec(List.of("image", "inspect", "--format", format, image), Map.of(), null);
        if (r.exitCode() != 0) throw new DockerException("docker image inspect failed", r);
        return r.output().strip();
    }

    public boolean imageExists(String image) {
        return exec(List.of("image", "inspect", "--format", "{{.Id}}", image), Map.of(), null).exitCode() == 0;
    }

    public void removeImage(String image) {
        exec(List.of("image", "rm", "-f", image), Map.of(), null);
    }

    /** Writes the image's filesystem as a tar (docker create + export + rm); works for scratch images too. */
    public void exportFilesystem(String image, Path tarFile) {
        Result created = exec(List.of("create", image, "/nonexistent"), Map.of(), null);
        if (created.exitCode() != 0) throw new DockerException("docker create failed", created);
        String id = created.output().lines().reduce((a, b) -> b).orElse("").trim();
        try {
            Result exported = exec(List.of("export", "-o", tarFile.toString(), id), Map.of(), null);
            if (exported.exitCode() != 0) throw new DockerException("docker export failed", exported);
        } finally {
            exec(List.of("rm", id), Map.of(), null);
        }
    }

    /** Exit code and combined stdout+stderr of one docker invocation; {@code command} shows no secret values. */
    public record Result(List<String> command, int exitCode, String output) {}

    /** A failed docker invocation. */
    public static final class DockerException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Result result;

        DockerException(String message, Result result) {
            super(message + ": " + String.join(" ", result.command()) + "\n" + tail(result.output()));
            this.result = result;
        }

        public Result result() { return result; }

        private static String tail(String s) {
            List<String> lines = s.lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        }
    }

    /** The exit code of a {@link Result} whose command was stopped because the calling thread was interrupted. */
    public static final int INTERRUPTED = 130;

    /**
     * Runs one docker command; output is read on a helper thread so that interrupting the caller stops the command
     * (SIGTERM, which makes the client cancel a build, then SIGKILL after 10 s) instead of waiting for it to end.
     */
    private Result exec(List<String> args, Map<String, String> extraEnv, Consumer<String> output) {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(environment);
        pb.environment().putAll(extraEnv);
        StringBuffer all = new StringBuffer();
        Process p;
        try {
            p = pb.start();
            p.getOutputStream().close();
        } catch (IOException e) {
            return new Result(command, 127, e.getMessage());
        }
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    all.append(line).append('\n');
                    if (output != null) output.accept(line);
                }
            } catch (IOException ignored) {
                // the process ended or was stopped
            }
        }, "docker-output");
        reader.setDaemon(true);
        reader.start();
        try {
            int code = p.waitFor();
            reader.join();
            return new Result(command, code, all.toString());
        } catch (InterruptedException e) {
            p.destroy();
            try {
                if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
                reader.join(5_000);
            } catch (InterruptedException again) {
                p.destroyForcibly();
            }
            Thread.currentThread().interrupt();
            return new Result(command, INTERRUPTED, all + "interrupted");
        }
    }

}
