package org.imagetree.pipeline.plan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The setup facts of a Git checkout, for adapters without a Jenkins checkout (the command line): the commit and branch
 * of {@code HEAD}, the {@code origin} remote's URL (the project is its path, as PipelineLib takes it from
 * {@code GIT_URL}; without a remote, the directory's name), and the tag pointing at {@code HEAD}, if any. Stateless.
 */
public final class GitFacts {
    private GitFacts() {}

    public static SetupFacts read(Path repository, Map<String, String> env, String logUrl) {
        String commit = git(repository, env, "rev-parse", "--verify", "-q", "HEAD");
        String branch = commit.isEmpty() ? "" : git(repository, env, "symbolic-ref", "--short", "-q", "HEAD");
        String remote = git(repository, env, "config", "--get", "remote.origin.url");
        String tag = "";
        if (!commit.isEmpty()) {
            List<String> tags = git(repository, env, "tag", "--points-at", "HEAD", "--sort=-creatordate").lines().filter(l -> !l.isBlank()).toList();
            if (!tags.isEmpty()) tag = tags.get(0);
        }
        Path name = repository.toAbsolutePath().normalize().getFileName();
        String project = SetupFacts.projectOf(remote).orElse(name == null ? "project" : name.toString());
        return new SetupFacts(project, commit, branch, remote, tag, logUrl, Map.of(), SetupFacts.gitVariables(commit, branch, remote), Map.of());
    }

    /** One git command's first line of output; "" when git is missing or fails (not a checkout, no remote). */
    private static String git(Path dir, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().clear();
        pb.environment().put("PATH", env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        if (env.get("HOME") != null) pb.environment().put("HOME", env.get("HOME"));
        pb.environment().put("GIT_TERMINAL_PROMPT", "0");
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "";
            }
            if (p.exitValue() != 0) return "";
            return args[0].equals("tag") ? out : out.lines().findFirst().orElse("").strip();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
