package org.imagetree.blubber;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Access to /work/shared (system property imagetree.shared): the Blubber spec and the conformance features. */
public final class SharedFiles {
    private SharedFiles() {}

    public static Path shared() {
        String p = System.getProperty("imagetree.shared");
        if (p == null) throw new IllegalStateException("system property imagetree.shared is not set (surefire sets it)");
        return Path.of(p).toAbsolutePath().normalize();
    }

    public static Path spec() { return shared().resolve("reference/blubber-v4.md"); }

    public static Path features() { return shared().resolve("conformance/blubber-features"); }

    /** The fenced code blocks of the spec, in order. */
    public static List<String> specCodeBlocks() {
        try {
            Matcher m = Pattern.compile("```\\w*\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(spec()));
            List<String> out = new ArrayList<>();
            while (m.find()) out.add(m.group(1));
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
