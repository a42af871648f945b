package org.imagetree.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real signed APT repository on loopback, made the way Debian tools make one: packages built with
 * {@code dpkg-deb}, {@code Packages}/{@code Packages.gz} and {@code Release} written by {@code apt-ftparchive}, the
 * Release clear-signed by {@code gpg} ({@code InRelease}) with a throwaway key; served over HTTP on 127.0.0.1 at a
 * free port (containers built with host networking reach it). {@link #publish} replaces the repository's content.
 */
public final class SignedAptRepository implements AutoCloseable {
    private final Path root;
    private final Path gnupg;
    private final LoopbackFileServer server;
    private final String suite;
    private final String architecture;

    public SignedAptRepository(String suite) throws IOException, InterruptedException {
        this.suite = suite;
        this.root = Files.createTempDirectory("itsecapt");
        // Short path: gpg-agent's socket lives in the home and socket paths are limited to ~100 bytes.
        this.gnupg = Files.createTempDirectory(Path.of("/tmp"), "itsecgpg");
        Files.setPosixFilePermissions(gnupg, PosixFilePermissions.fromString("rwx------"));
        this.architecture = run(root, "dpkg", "--print-architecture").strip();
        gpg(gnupg, "--quick-gen-key", "Image Tree security test <sec@imagetree.invalid>", "ed25519", "sign", "1d");
        this.server = new LoopbackFileServer(root);
    }

    public String url() { return server.url("repo"); }

    public String suite() { return suite; }

    /** Every request the repository's server answered, as {@code METHOD path}. */
    public List<String> requests() { return server.requests(); }

    /** The public key, ASCII-armoured (for {@code signed-by} inside an image). */
    public String publicKey() throws IOException, InterruptedException {
        return gpg(gnupg, "--armor", "--export");
    }

    /** Writes the public key as a keyring file. */
    public Path writeKeyring(Path file) throws IOException, InterruptedException {
        Files.writeString(file, publicKey());
        return file;
    }

    /** The one-line source for this repository, with {@code keyring} as {@code signed-by}. */
    public String sourceLine(Path keyring) { return "deb [signed-by=" + keyring + "] " + url() + " " + suite + " main"; }

    /** Replaces the repository with these packages ({@code name version} pairs), signed with this repository's key. */
    public void publish(String... nameVersion) throws IOException, InterruptedException {
        publishSignedBy(gnupg, nameVersion);
    }

    /** As {@link #publish}, but the InRelease is signed by another key (in {@code otherHome}). */
    private String validUntil;

    /** The next {@link #publish} writes this {@code Valid-Until} (RFC 1123, UTC) into the Release; null for none. */
    public void validUntil(String date) { this.validUntil = date; }

    public void publishSignedBy(Path home, String... nameVersion) throws IOException, InterruptedException {
        Path repo = root.resolve("repo");
        deleteTree(repo);
        Path pool = Files.createDirectories(repo.resolve("pool/main"));
        for (int i = 0; i < nameVersion.length; i += 2) {
            String name = nameVersion[i];
            String version = nameVersion[i + 1];
            Path tree = Files.createDirectories(root.resolve("build/" + name + "-" + version + "/DEBIAN"));
            Files.writeString(tree.resolve("control"), "Package: " + name + "\nVersion: " + version
                    + "\nArchitecture: all\nMaintainer: Image Tree tests <sec@imagetree.invalid>\nDescription: " + name + " for Image Tree's security tests\n");
            Path doc = Files.createDirectories(tree.getParent().resolve("usr/share/doc/" + name));
            Files.writeString(doc.resolve("version"), version + "\n");
            run(root, "dpkg-deb", "--root-owner-group", "--build", tree.getParent().toString(),
                    pool.resolve(name + "_" + version + "_all.deb").toString());
        }
        Path binary = Files.createDirectories(repo.resolve("dists/" + suite + "/main/binary-" + architecture));
        Files.writeString(binary.resolve("Packages"), run(repo, "apt-ftparchive", "packages", "pool"));
        run(repo, "gzip", "-9kn", binary.resolve("Packages").toString());
        run(repo, "xz", "-k", binary.resolve("Packages").toString());
        Path dist = repo.resolve("dists/" + suite);
        String release = run(dist, "apt-ftparchive", "-o", "APT::FTPArchive::Release::Suite=" + suite,
                "-o", "APT::FTPArchive::Release::Codename=" + suite, "-o", "APT::FTPArchive::Release::Components=main",
                "-o", "APT::FTPArchive::Release::Architectures=" + architecture, "release", ".");
        if (validUntil != null) release = release.replaceFirst("(?m)^Date: .*$", "$0\nValid-Until: " + validUntil);
        Files.writeString(dist.resolve("Release"), release);
        gpg(home, "--digest-algo", "SHA256", "--clearsign", "--output", dist.resolve("InRelease").toString(), dist.resolve("Release").toString());
    }

    /** A gpg home with another throwaway key (not this repository's). */
    public static Path otherKey() throws IOException, InterruptedException {
        Path home = Files.createTempDirectory(Path.of("/tmp"), "itsecgpg");
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        gpg(home, "--quick-gen-key", "Not the repository's key <other@imagetree.invalid>", "ed25519", "sign", "1d");
        return home;
    }

    /**
     * Removes the uncompressed and gzip indexes, as Debian's -updates and -security suites serve them: their checksums
     * stay listed in the Release, only {@code Packages.xz} is there.
     */
    public void onlyXz() throws IOException {
        try (Stream<Path> s = Files.walk(root.resolve("repo/dists"))) {
            for (Path p : s.filter(f -> f.getFileName().toString().equals("Packages") || f.getFileName().toString().equals("Packages.gz")).toList()) {
                Files.delete(p);
            }
        }
    }

    public Path inRelease() { return root.resolve("repo/dists/" + suite + "/InRelease"); }

    public static String gpg(Path home, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("gpg", "--batch", "--quiet", "--homedir", home.toString(),
                "--pinentry-mode", "loopback", "--passphrase", ""));
        cmd.addAll(List.of(args));
        return run(home, cmd.toArray(String[]::new));
    }

    public static void killAgent(Path home) {
        try {
            run(home, "gpgconf", "--homedir", home.toString(), "--kill", "gpg-agent");
        } catch (IOException | InterruptedException ignored) {
            // no agent was started
        }
    }

    private static String run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.PIPE).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + " failed:\n" + out + err);
        return out;
    }

    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        killAgent(gnupg);
        deleteTree(root);
        try {
            deleteTree(gnupg);
        } catch (IOException e) {
            // the agent may still be removing its sockets
        }
    }
}
