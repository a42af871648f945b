package org.imagetree.registry;

import com.fasterxml.jackson.databind.JsonNode;
import org.imagetree.model.ImageReference;
import org.imagetree.registry.RegistryCalls.Call;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Manifests and names: existence checks ({@code HEAD}, one by one or pipelined by {@link ManifestProbe}), manifest
 * reads, writes and deletes, tag listing and the catalog. Every digest a registry answers is checked against the bytes
 * or the reference asked for.
 */
final class ManifestOperations {
    private static final Logger LOG = LoggerFactory.getLogger(ManifestOperations.class);
    static final String ACCEPT_MANIFESTS = String.join(", ", MediaTypes.MANIFEST_TYPES);
    private static final int MAX_PAGES = 10_000;

    private final RegistryCalls calls;
    /**
     * Per registry, its pipelined checks: one probe for the client's life, so that a refusal of its one-share handshake
     * ({@link ManifestProbe#ONE_SHARE_GROUPS}) is met once.
     */
    private final Map<String, Optional<ManifestProbe>> probes = new ConcurrentHashMap<>();

    ManifestOperations(RegistryCalls calls) {
        this.calls = calls;
    }

    Optional<ManifestDescriptor> headManifest(ImageReference ref) {
        Call call = new Call("HEAD", manifestUri(ref), ref.registry(), RegistryCalls.pull(ref.repository()))
                .header("Accept", ACCEPT_MANIFESTS);
        Optional<ManifestDescriptor> found = calls.withRetries(call, () -> {
            HttpResponse<byte[]> r = calls.execute(call);
            if (r.statusCode() == 404) return Optional.empty();
            if (r.statusCode() != 200) throw calls.failure(call, r);
            Optional<String> digest = r.headers().firstValue("Docker-Content-Digest");
            if (digest.isEmpty()) return null; // older registries: fall back to GET below
            checkExpectedDigest(call, ref, digest.get());
            String type = MediaTypes.strip(r.headers().firstValue("Content-Type").orElse(""));
            return Optional.of(new ManifestDescriptor(digest.get(), type, r.headers().firstValueAsLong("Content-Length").orElse(-1)));
        });
        return found != null ? found : getManifest(ref).map(Manifest::descriptor);
    }

    Map<ImageReference, Optional<ManifestDescriptor>> probeManifests(String registry, java.util.Collection<ImageReference> refs) {
        Map<ImageReference, Optional<ManifestDescriptor>> out = new LinkedHashMap<>();
        if (!probes(registry)) return out;
        List<ImageReference> asked = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        for (ImageReference ref : new java.util.LinkedHashSet<>(refs)) {
            if (!ref.registry().equals(registry) || ref.digest() != null) continue;
            String path = manifestUri(ref).getRawPath();
            if (!ManifestProbe.probeable(path)) continue;
            asked.add(ref);
            paths.add(path);
        }
        if (paths.isEmpty()) return out;
        ManifestProbe probe = probe(registry).orElse(null);
        if (probe == null) return out;
        List<ManifestProbe.Answer> answers;
        try {
            answers = probe.head(paths, calls.transport()::countRequest);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return out;
        }
        for (int i = 0; i < asked.size(); i++) {
            ManifestProbe.Answer a = answers.get(i);
            if (a != null) out.put(asked.get(i), a.manifest());
        }
        LOG.debug("{}: {} manifests asked in one pass, {} answered", registry, asked.size(), out.size());
        return out;
    }

    void warmUpProbe(String registry) {
        if (probes(registry) && !calls.usesPlainHttp(registry)) probe(registry).ifPresent(p -> p.warmUp(calls.transport()::countRequest));
    }

    private Optional<ManifestProbe> probe(String registry) {
        return probes.computeIfAbsent(registry, this::newProbe);
    }

    private Optional<ManifestProbe> newProbe(String registry) {
        URI api = calls.apiUri(registry);
        boolean plain = "http".equals(api.getScheme());
        int port = api.getPort() >= 0 ? api.getPort() : plain ? 80 : 443;
        RegistryClient.Options options = calls.options();
        Duration stall = options.requestTimeout().compareTo(options.connectTimeout()) < 0 ? options.requestTimeout() : options.connectTimeout();
        try {
            return Optional.of(new ManifestProbe(api.getHost(), port, Transport.authority(api),
                    plain ? null : calls.transport().sslContext(Transport.authority(api)), ACCEPT_MANIFESTS, "image-tree",
                    options.connectTimeout(), stall));
        } catch (RuntimeException e) { // no TLS context (a broken trust store): the requests one by one say why
            LOG.debug("{}: no pipelined manifest checks: {}", registry, e.toString());
            return Optional.empty();
        }
    }

    boolean probes(String registry) {
        return !calls.auth().authenticatesUpfront(registry) && direct(calls.apiUri(registry));
    }

    /** Whether the JVM's proxy selector (which the HTTP clients use) connects to {@code uri} directly. */
    private static boolean direct(URI uri) {
        java.net.ProxySelector selector = java.net.ProxySelector.getDefault();
        if (selector == null) return true;
        try {
            for (java.net.Proxy p : selector.select(uri)) if (p.type() != java.net.Proxy.Type.DIRECT) return false;
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    Optional<Manifest> getManifest(ImageReference ref) {
        Call call = new Call("GET", manifestUri(ref), ref.registry(), RegistryCalls.pull(ref.repository()))
                .header("Accept", ACCEPT_MANIFESTS);
        return calls.withRetries(call, () -> {
            HttpResponse<byte[]> r = calls.execute(call);
            if (r.statusCode() == 404) return Optional.empty();
            if (r.statusCode() != 200) throw calls.failure(call, r);
            byte[] body = r.body();
            String digest = ref.digest() != null ? ref.digest() : r.headers().firstValue("Docker-Content-Digest").orElse(Digests.sha256(body));
            String computed = VerifiedBlobStream.digestOf(body, digest, call.describe());
            if (!digest.equals(computed)) {
                throw new RegistryException(call.registry, r.statusCode(), "DIGEST_INVALID", call.describe()
                        + ": manifest bytes have digest " + computed + ", expected " + digest);
            }
            checkExpectedDigest(call, ref, digest);
            String type = MediaTypes.strip(r.headers().firstValue("Content-Type").orElse(""));
            return Optional.of(new Manifest(body, type, digest));
        });
    }

    List<String> listTags(String registry, String repository) {
        int pageSize = calls.options().tagPageSize();
        URI next = calls.uri(registry, "/v2/" + repository + "/tags/list" + (pageSize > 0 ? "?n=" + pageSize : ""));
        List<String> tags = new ArrayList<>();
        Set<URI> seen = new HashSet<>();
        while (next != null) {
            if (!seen.add(next) || seen.size() > MAX_PAGES) {
                throw new RegistryException(registry, 200, null, registry + ": tag list pagination of " + repository + " does not end");
            }
            Call call = new Call("GET", next, registry, RegistryCalls.pull(repository)).header("Accept", "application/json");
            Page page = calls.withRetries(call, () -> {
                HttpResponse<byte[]> r = calls.execute(call);
                if (r.statusCode() == 404) return new Page(List.of(), null);
                if (r.statusCode() != 200) throw calls.failure(call, r);
                List<String> pageTags = new ArrayList<>();
                JsonNode body = calls.parseJson(call, r.body());
                body.path("tags").forEach(t -> pageTags.add(t.asText()));
                return new Page(pageTags, LinkHeader.next(call.uri, r.headers().allValues("Link")).orElse(null));
            });
            tags.addAll(page.names());
            next = page.next();
        }
        return List.copyOf(tags);
    }

    private record Page(List<String> names, URI next) {}

    Optional<Set<String>> catalog(String registry) {
        int pageSize = calls.options().tagPageSize();
        URI next = calls.uri(registry, "/v2/_catalog?n=" + (pageSize > 0 ? pageSize : 1000));
        Set<String> repositories = new HashSet<>();
        Set<URI> seen = new HashSet<>();
        while (next != null) {
            if (!seen.add(next) || seen.size() > MAX_PAGES) {
                throw new RegistryException(registry, 200, null, registry + ": catalog pagination does not end");
            }
            Call call = new Call("GET", next, registry, List.of("registry:catalog:*")).header("Accept", "application/json");
            Page page = calls.withRetries(call, () -> {
                HttpResponse<byte[]> r = calls.execute(call);
                if (r.statusCode() == 401 || r.statusCode() == 403 || r.statusCode() == 404) return null;
                if (r.statusCode() != 200) throw calls.failure(call, r);
                List<String> names = new ArrayList<>();
                calls.parseJson(call, r.body()).path("repositories").forEach(t -> names.add(t.asText()));
                return new Page(names, LinkHeader.next(call.uri, r.headers().allValues("Link")).orElse(null));
            });
            if (page == null) return Optional.empty();
            repositories.addAll(page.names());
            next = page.next();
        }
        return Optional.of(Set.copyOf(repositories));
    }

    String putManifest(ImageReference ref, String mediaType, byte[] body) {
        String computed = Digests.sha256(body);
        if (ref.digest() != null && !ref.digest().equals(computed)) {
            throw new IllegalArgumentException("manifest has digest " + computed + ", but the reference says " + ref.digest());
        }
        String reference = ref.tag() != null ? ref.tag() : ref.digest();
        Call call = new Call("PUT", calls.uri(ref.registry(), "/v2/" + ref.repository() + "/manifests/" + reference), ref.registry(),
                RegistryCalls.push(ref.repository())).header("Content-Type", mediaType).body(BodyPublishers.ofByteArray(body));
        return calls.withRetries(call, () -> {
            HttpResponse<byte[]> r = calls.execute(call);
            if (r.statusCode() != 201 && r.statusCode() != 200) throw calls.failure(call, r);
            String answered = r.headers().firstValue("Docker-Content-Digest").orElse(computed);
            if (!answered.equals(computed)) {
                throw new RegistryException(call.registry, r.statusCode(), "DIGEST_INVALID", call.describe()
                        + ": registry answered digest " + answered + ", but the manifest bytes have " + computed);
            }
            return answered;
        });
    }

    void deleteManifest(String registry, String repository, String digest) {
        Digests.requireDigest(digest);
        Call call = new Call("DELETE", calls.uri(registry, "/v2/" + repository + "/manifests/" + digest), registry,
                List.of("repository:" + repository + ":delete"));
        calls.withRetries(call, () -> {
            HttpResponse<byte[]> r = calls.execute(call);
            if (r.statusCode() != 202 && r.statusCode() != 200) throw calls.failure(call, r);
            return null;
        });
    }

    private static void checkExpectedDigest(Call call, ImageReference ref, String digest) {
        if (ref.digest() != null && !ref.digest().equals(digest)) {
            throw new RegistryException(call.registry, 200, "DIGEST_INVALID", call.describe() + ": registry answered digest " + digest);
        }
    }

    private URI manifestUri(ImageReference ref) {
        return calls.uri(ref.registry(), "/v2/" + ref.repository() + "/manifests/" + ref.reference());
    }
}
