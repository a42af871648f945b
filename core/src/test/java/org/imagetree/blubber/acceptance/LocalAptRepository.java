package org.imagetree.blubber.acceptance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * APT repositories on loopback for tests: one-file packages made with {@code dpkg-deb --build}, a
 * {@code Packages} index and a {@code Release} file written here (the fields apt reads), the Release signed
 * ({@code InRelease}, clear-signed) with a throwaway gpg key, all served over HTTP on 127.0.0.1 at a free port.
 * A container built with host networking reaches it at {@link #url(String)}. Every path requested is recorded.
 */
final class LocalAptRepository implements AutoCloseable {
    /** A package with one file: {@code path} (absolute, in the image) holding {@code content}. */
    record Package(String name, String version, String path, String content) {}

    /** A throwaway signing key in its own gpg home: its ASCII-armoured public key is {@link #publicKey()}. */
    static final class SigningKey implements AutoCloseable {
        private final Path home;
        private final String publicKey;

        private SigningKey(Path home, String publicKey) {
            this.home = home;
            this.publicKey = publicKey;
        }

        static SigningKey generate(String name) throws IOException, InterruptedException {
            // Short path: gpg-agent's socket lives in the home and socket paths are limited to ~100 bytes.
            Path home = Files.createTempDirectory(Path.of("/tmp"), "itgpg");
            Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            SigningKey key = new SigningKey(home, "");
            key.gpg("--quick-gen-key", name + " <test@imagetree.invalid>", "ed25519", "sign", "1d");
            Path exported = home.resolve("public.asc");
            key.gpg("--armor", "--output", exported.toString(), "--export");
            return new SigningKey(home, Files.readString(exported));
        }

        String publicKey() { return publicKey; }

        void clearSign(Path in, Path out) throws IOException, InterruptedException {
            gpg("--digest-algo", "SHA256", "--clearsign", "--output", out.toString(), in.toString());
        }

        private String gpg(String... args) throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>(List.of("gpg", "--batch", "--quiet", "--homedir", home.toString(),
                    "--pinentry-mode", "loopback", "--passphrase", ""));
            cmd.addAll(List.of(args));
            return run(cmd);
        }

        @Override
        public void close() throws IOException {
            try {
                run(List.of("gpgconf", "--homedir", home.toString(), "--kill", "gpg-agent"));
            } catch (IOException | InterruptedException ignored) {
                // no agent was started
            }
            // The agent removes its own sockets as it exits, possibly while the home is being deleted: retry.
            for (int attempt = 1; ; attempt++) {
                try {
                    ImageFiles.deleteTree(home);
                    return;
                } catch (IOException e) {
                    if (attempt == 5) throw e;
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        throw e;
                    }
                }
            }
        }
    }

    private final Path root;
    private final org.imagetree.testing.LoopbackFileServer server;
    private final String architecture;

    LocalAptRepository() throws IOException, InterruptedException {
        this.root = Files.createTempDirectory("itapt");
        this.architecture = run(List.of("dpkg", "--print-architecture")).strip();
        this.server = new org.imagetree.testing.LoopbackFileServer(root);
    }

    /** The URL of the repository {@code name} (the directory holding {@code dists/} and {@code pool/}). */
    String url(String name) {
        return server.url(name);
    }

    /** Every request served so far, as "METHOD /path". */
    List<String> requests() { return server.requests(); }

    /**
     * Publishes repository {@code name} with one distribution (its Suite and Codename) and one component
     * holding {@code packages}, signed by {@code key}.
     */
    void publish(String name, String distribution, String component, SigningKey key, List<Package> packages)
            throws IOException, InterruptedException {
        Path repo = root.resolve(name);
        Path pool = Files.createDirectories(repo.resolve("pool"));
        StringBuilder index = new StringBuilder();
        for (Package p : packages) {
            String filename = "pool/" + p.name() + "_" + p.version() + "_all.deb";
            Path deb = repo.resolve(filename);
            build(p, pool, deb);
            byte[] bytes = Files.readAllBytes(deb);
            index.append("Package: ").append(p.name()).append('\n')
                    .append("Version: ").append(p.version()).append('\n')
                    .append("Architecture: all\n")
                    .append("Maintainer: Image Tree tests <test@imagetree.invalid>\n")
                    .append("Installed-Size: 1\n")
                    .append("Filename: ").append(filename).append('\n')
                    .append("Size: ").append(bytes.length).append('\n')
                    .append("SHA256: ").append(sha256(bytes)).append('\n')
                    .append("Description: ").append(p.name()).append(", one file for Image Tree's tests\n\n");
        }
        String packagesPath = component + "/binary-" + architecture + "/Packages";
        Path dist = repo.resolve("dists").resolve(distribution);
        Path packagesFile = dist.resolve(packagesPath);
        Files.createDirectories(packagesFile.getParent());
        byte[] indexBytes = index.toString().getBytes(StandardCharsets.UTF_8);
        Files.write(packagesFile, indexBytes);
        String date = ZonedDateTime.now(ZoneOffset.UTC).minusHours(1)
                .format(DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'UTC'", Locale.ROOT));
        String release = "Origin: imagetree-test\nLabel: imagetree-test\nSuite: " + distribution + "\nCodename: "
                + distribution + "\nDate: " + date + "\nArchitectures: " + architecture + "\nComponents: " + component
                + "\nSHA256:\n " + sha256(indexBytes) + " " + indexBytes.length + " " + packagesPath + "\n";
        Path releaseFile = dist.resolve("Release");
        Files.writeString(releaseFile, release);
        key.clearSign(releaseFile, dist.resolve("InRelease"));
    }

    private static void build(Package p, Path work, Path deb) throws IOException, InterruptedException {
        Path tree = work.resolve(p.name() + "-" + p.version());
        Files.createDirectories(tree.resolve("DEBIAN"));
        Files.writeString(tree.resolve("DEBIAN/control"), "Package: " + p.name() + "\nVersion: " + p.version()
                + "\nArchitecture: all\nMaintainer: Image Tree tests <test@imagetree.invalid>\n"
                + "Description: " + p.name() + ", one file for Image Tree's tests\n");
        Path file = tree.resolve(p.path().substring(1));
        Files.createDirectories(file.getParent());
        Files.writeString(file, p.content());
        run(List.of("dpkg-deb", "--root-owner-group", "--build", tree.toString(), deb.toString()));
        ImageFiles.deleteTree(tree);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + " failed:\n" + out);
        return out;
    }

    @Override
    public void close() throws IOException {
        server.close();
        ImageFiles.deleteTree(root);
    }
}
