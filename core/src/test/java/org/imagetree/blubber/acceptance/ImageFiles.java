package org.imagetree.blubber.acceptance;

import org.imagetree.execute.DockerCli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The filesystem of a built image (exported once), read with tar: entries with numeric owners, file contents. */
final class ImageFiles {
    record Entry(int uid, int gid) {}

    private final Path tar;
    private final Map<String, Entry> entries = new HashMap<>();

    ImageFiles(DockerCli docker, String image, Path workDir) throws IOException, InterruptedException {
        this.tar = workDir.resolve("image.tar");
        docker.exportFilesystem(image, tar);
        String listing = run(List.of("tar", "--numeric-owner", "-tvf", tar.toString()));
        for (String line : listing.lines().toList()) {
            String[] f = line.trim().split("\\s+", 6);
            if (f.length < 6) continue;
            String[] owner = f[1].split("/");
            String name = f[5];
            int arrow = name.indexOf(" -> ");
            if (arrow >= 0) name = name.substring(0, arrow);
            name = "/" + name.replaceAll("^\\./", "").replaceAll("/$", "");
            entries.put(name, new Entry(Integer.parseInt(owner[0]), Integer.parseInt(owner[1])));
        }
    }

    Entry entry(String path) { return entries.get(path.replaceAll("/+$", "").replaceAll("//+", "/")); }

    String read(String path) throws IOException, InterruptedException {
        return run(List.of("tar", "-xOf", tar.toString(), path.replaceAll("^/", "")));
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + " failed");
        return new String(out, StandardCharsets.UTF_8);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
