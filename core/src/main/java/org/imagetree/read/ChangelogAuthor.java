package org.imagetree.read;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The author of an {@code update} entry, as docker-pkg's {@code _get_author}: {@code DEBFULLNAME} / {@code DEBEMAIL}
 * from the environment, else {@code git config --get user.name} / {@code user.email}, else the configured fallbacks
 * ({@code fallback_author}, {@code fallback_email}).
 */
public final class ChangelogAuthor {
    private ChangelogAuthor() {}

    /** {@code "Name <email>"}. {@code git} runs in {@code repoDir}; a missing git or an unset key uses the fallback. */
    public static String resolve(Map<String, String> env, Path repoDir, String fallbackName, String fallbackEmail) {
        String name = present(env, "DEBFULLNAME")
                .or(() -> gitConfig(repoDir, "user.name")).orElse(fallbackName);
        String email = present(env, "DEBEMAIL")
                .or(() -> gitConfig(repoDir, "user.email")).orElse(fallbackEmail);
        return name + " <" + email + ">";
    }

    /** Like docker-pkg ({@code 'DEBFULLNAME' in os.environ}): a variable that is set counts, even when empty. */
    private static Optional<String> present(Map<String, String> env, String key) {
        return env.containsKey(key) ? Optional.of(env.get(key)) : Optional.empty();
    }

    private static Optional<String> nonEmpty(String s) {
        return s == null || s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    static Optional<String> gitConfig(Path repoDir, String key) {
        try {
            Process p = new ProcessBuilder("git", "config", "--get", key)
                    .directory(repoDir.toFile())
                    .redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            p.getOutputStream().close();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            return p.exitValue() == 0 ? nonEmpty(out.stripTrailing()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
