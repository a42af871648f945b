import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.DockerDaemonImage;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.RegistryImage;
import org.imagetree.execute.ContainerEngine;
import org.imagetree.execute.DockerJavaEngine;
import org.imagetree.execute.ImagePublisher;
import org.imagetree.registry.RegistryClient;
import org.imagetree.testing.FaultyProxy;
import org.imagetree.testing.LocalRegistry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * jib-core (0.28.1, Maven Central) and the Docker Engine's push against Image Tree's own, through issue 22's fault proxy: a real Distribution
 * registry behind a proxy that answers 503 to every 7th request and drops the connection of every 8th. The same local
 * image (FROM scratch, one 1 MB layer of random bytes) is pushed TRIALS times by each, to a fresh repository each
 * time; then once each without faults. Prints one line per push and a summary. Run by bench/jib-fault.sh.
 *
 * The proxy serves HTTPS with a self-signed certificate: jib (allowInsecureRegistries) fails over to insecure HTTPS,
 * Image Tree trusts the certificate through its certs directory. Jib: Jib.from(DockerDaemonImage) (its docker save)
 * .containerize(Containerizer.to(RegistryImage).setAllowInsecureRegistries(true)). Image Tree: ImagePublisher with
 * the default retry policy.
 */
public class JibFaultEval {
    public static void main(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path work = Files.createTempDirectory("imagetree-jib-eval-");
        String host = System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
        try (ContainerEngine engine = new DockerJavaEngine(host.isEmpty() ? "unix:///var/run/docker.sock" : host);
             LocalRegistry registry = LocalRegistry.start();
             // HTTPS: jib tries HTTPS first and falls back only on a TLS error (its FailoverHttpClient); a plain-HTTP
             // proxy that does not answer a ClientHello would time jib out before any fault is met.
             FaultyProxy proxy = FaultyProxy.startTls(registry.baseUri(), work)) {
            Path certs = work.resolve("certs");
            Files.createDirectories(certs.resolve(proxy.host()));
            Files.copy(proxy.certificate(), certs.resolve(proxy.host()).resolve("ca.crt"));
            byte[] data = new byte[1_000_000];
            new Random(22).nextBytes(data);
            Files.write(work.resolve("data.bin"), data);
            Files.writeString(work.resolve("Dockerfile"), "FROM scratch\nCOPY data.bin /data.bin\n");
            String local = "imagetree-jib-eval:" + ProcessHandle.current().pid();
            engine.build(new ContainerEngine.BuildRequest(work, List.of(local), Map.of(), Map.of(), false,
                    ContainerEngine.ResourceLimits.NONE), line -> { });
            String localId = engine.inspect(local).orElseThrow().id();
            System.out.println("local image " + local + " " + localId);
            List<String> rows = new ArrayList<>();
            for (boolean faults : new boolean[] {true, false}) {
                int n = faults ? trials : 1;
                int jibOk = 0;
                int oursOk = 0;
                int engineOk = 0;
                for (int i = 0; i < n; i++) {
                    proxy.clearFaults();
                    if (faults) proxy.failEvery(7, new FaultyProxy.Status(503, null)).failEvery(8, new FaultyProxy.Close());
                    int before = proxy.requestCount();
                    long t0 = System.nanoTime();
                    String target = proxy.host() + "/jib-" + (faults ? "fault" : "clean") + "-" + i + ":1";
                    String outcome;
                    try {
                        JibContainer c = Jib.from(DockerDaemonImage.named(local)).containerize(
                                Containerizer.to(RegistryImage.named(target)).setAllowInsecureRegistries(true)
                                        .setBaseImageLayersCache(work.resolve("jib-cache-" + i))
                                        .setApplicationLayersCache(work.resolve("jib-app-cache-" + i)));
                        outcome = "ok " + c.getDigest() + " config " + c.getImageId() + (c.getImageId().toString().equals(localId)
                                ? " (the local image)" : " (not the local image: jib rewrote the config)");
                        jibOk++;
                    } catch (Exception e) {
                        Throwable root = e;
                        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
                        outcome = "FAILED " + e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()) + " / " + root.getClass().getSimpleName()
                                + ": " + firstLine(root.getMessage());
                    }
                    rows.add(String.format("jib         faults=%-5s trial %2d %6d ms %4d requests  %s", faults, i,
                            (System.nanoTime() - t0) / 1_000_000, proxy.requestCount() - before, outcome));
                    System.out.println(rows.get(rows.size() - 1));

                    // The Docker Engine's own push (Image Tree's before issue 22), once, as the engine does it.
                    proxy.clearFaults();
                    if (faults) proxy.failEvery(7, new FaultyProxy.Status(503, null)).failEvery(8, new FaultyProxy.Close());
                    before = proxy.requestCount();
                    t0 = System.nanoTime();
                    target = proxy.host() + "/engine-" + (faults ? "fault" : "clean") + "-" + i + ":1";
                    try {
                        engine.tag(local, target);
                        outcome = "ok " + engine.push(target, java.util.Optional.empty(), line -> { });
                        engineOk++;
                    } catch (Exception e) {
                        outcome = "FAILED " + firstLine(e.getMessage());
                    } finally {
                        engine.remove(target);
                    }
                    rows.add(String.format("docker-push faults=%-5s trial %2d %6d ms %4d requests  %s", faults, i,
                            (System.nanoTime() - t0) / 1_000_000, proxy.requestCount() - before, outcome));
                    System.out.println(rows.get(rows.size() - 1));

                    proxy.clearFaults();
                    if (faults) proxy.failEvery(7, new FaultyProxy.Status(503, null)).failEvery(8, new FaultyProxy.Close());
                    before = proxy.requestCount();
                    t0 = System.nanoTime();
                    target = proxy.host() + "/ours-" + (faults ? "fault" : "clean") + "-" + i + ":1";
                    RegistryClient client = RegistryClient.builder().certsDirectory(certs).build();
                    try (ImagePublisher publisher = new ImagePublisher(engine, client, work)) {
                        ImagePublisher.Published p = publisher.push(local, target, List.of(), line -> { });
                        String config = new com.fasterxml.jackson.databind.ObjectMapper().readTree(p.manifest().content())
                                .path("config").path("digest").asText();
                        outcome = "ok " + p.digest() + " config " + config + (config.equals(localId) ? " (the local image)" : " (NOT the local image)");
                        oursOk++;
                    } catch (Exception e) {
                        outcome = "FAILED " + e.getClass().getSimpleName() + ": " + firstLine(e.getMessage());
                    }
                    rows.add(String.format("image-tree  faults=%-5s trial %2d %6d ms %4d requests  %s", faults, i,
                            (System.nanoTime() - t0) / 1_000_000, proxy.requestCount() - before, outcome));
                    System.out.println(rows.get(rows.size() - 1));
                }
                System.out.printf("SUMMARY faults=%s: jib-core %d of %d pushes published, the Docker Engine %d of %d, Image Tree %d of %d%n",
                        faults, jibOk, n, engineOk, n, oursOk, n);
            }
            engine.remove(local);
        } finally {
            try (var s = Files.walk(work)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "(no message)";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
