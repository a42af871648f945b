package org.imagetree.execute;

import org.imagetree.config.EngineConfig;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * docker-pkg's verification: runs {@code verify_command} with {@code verify_args}, where {@code {image}} is the
 * full label and {@code {path}} the image directory. When a word naming {@code {path}} does not exist (no
 * {@code test.sh}) verification is skipped. The environment holds only {@code PATH} and the proxy variables.
 */
public final class Verifier {
    private final EngineConfig config;
    private final Map<String, String> env;

    /** The outcome: passed, skipped (passed, the detail says why) or failed with the reason. */
    public record Verification(boolean passed, boolean ran, String detail) {}

    public Verifier(EngineConfig config, Map<String, String> env) {
        this.config = config;
        this.env = env;
    }

    public Verification verify(Path imageDirectory, String label, Consumer<String> log) throws InterruptedException {
        Path imageDir = imageDirectory.toAbsolutePath().normalize();
        List<String> args = new ArrayList<>();
        for (String a : config.verifyArgs()) {
            for (String word : a.split("\\s+")) {
                if (word.contains("{path}")) {
                    Path p = Path.of(word.replace("{path}", imageDir.toString()).replace("{image}", label));
                    if (!Files.exists(p)) return new Verification(true, false, "no " + p.getFileName() + ", verification skipped");
                }
            }
            args.add(a.replace("{path}", imageDir.toString()).replace("{image}", label));
        }
        Optional<Path> exe = which(config.verifyCommand());
        if (exe.isEmpty()) return new Verification(false, false, "verify command " + config.verifyCommand() + " not found");
        List<String> cmd = new ArrayList<>();
        cmd.add(exe.get().toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(imageDir.toFile()).redirectErrorStream(true);
        Map<String, String> e = pb.environment();
        e.clear();
        e.put("PATH", env.getOrDefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
        config.httpProxy().ifPresent(p -> {
            for (String k : List.of("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY")) e.put(k, p);
        });
        try {
            Process proc = pb.start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) log.accept(line);
            } catch (IOException ignored) {
                // process ended
            }
            int code;
            try {
                code = proc.waitFor();
            } catch (InterruptedException ie) {
                proc.destroyForcibly();
                throw ie;
            }
            return code == 0 ? new Verification(true, true, "verified") : new Verification(false, true, "verification failed (exit " + code + ")");
        } catch (IOException ex) {
            return new Verification(false, false, "cannot run verification: " + ex.getMessage());
        }
    }

    private Optional<Path> which(String command) {
        if (command.contains("/")) {
            Path p = Path.of(command);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        for (String dir : env.getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, command);
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /** Build arguments for the proxy, as docker-pkg passes them. */
    public static Map<String, String> proxyBuildArgs(EngineConfig config) {
        Map<String, String> m = new HashMap<>();
        config.httpProxy().ifPresent(p -> {
            for (String k : List.of("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY")) m.put(k, p);
        });
        return m;
    }
}
