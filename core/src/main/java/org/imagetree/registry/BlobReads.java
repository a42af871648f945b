package org.imagetree.registry;

import org.imagetree.registry.RegistryCalls.Call;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Blob reads: {@code GET /v2/<name>/blobs/<digest>}, whole and verified ({@link #getBlob}) or streamed to a reader
 * that may stop early ({@link #readBlob}). A redirect to blob storage is followed once, without our credentials.
 */
final class BlobReads {
    private final RegistryCalls calls;

    BlobReads(RegistryCalls calls) {
        this.calls = calls;
    }

    Optional<byte[]> getBlob(String registry, String repository, String digest) {
        Digests.requireDigest(digest);
        Call call = new Call("GET", calls.uri(registry, "/v2/" + repository + "/blobs/" + digest), registry, RegistryCalls.pull(repository));
        return calls.withRetries(call, () -> {
            HttpResponse<byte[]> r = calls.execute(call);
            if (r.statusCode() == 404) return Optional.empty();
            byte[] body;
            if (isRedirect(r.statusCode())) {
                URI target = call.uri.resolve(r.headers().firstValue("Location").orElseThrow(() -> calls.failure(call, r)));
                HttpResponse<byte[]> moved = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build()
                        .send(HttpRequest.newBuilder(target).timeout(Duration.ofMinutes(5)).GET().build(),
                                HttpResponse.BodyHandlers.ofByteArray());
                if (moved.statusCode() != 200) throw calls.failure(call, moved);
                body = moved.body();
            } else if (r.statusCode() == 200) {
                body = r.body();
            } else {
                throw calls.failure(call, r);
            }
            if (Digests.isSha256(digest) && !digest.equals(Digests.sha256(body))) {
                throw new RegistryException(registry, 200, "DIGEST_INVALID", call.describe() + ": blob bytes have digest "
                        + Digests.sha256(body) + ", expected " + digest);
            }
            return Optional.of(body);
        });
    }

    <T> Optional<T> readBlob(String registry, String repository, String digest, RegistryClient.BlobReader<T> reader) {
        Digests.requireDigest(digest);
        Call call = new Call("GET", calls.uri(registry, "/v2/" + repository + "/blobs/" + digest), registry, RegistryCalls.pull(repository));
        return calls.withRetries(call, () -> {
            RegistryAuthenticator auth = calls.auth();
            String authorization = auth.upfront(call.registry, call.scopes).orElse(null);
            HttpResponse<InputStream> r = calls.stream(call, authorization);
            if (r.statusCode() == 401) {
                r.body().close();
                Optional<AuthChallenge> challenge = AuthChallenge.select(r.headers().allValues("WWW-Authenticate"));
                Optional<String> retry = challenge.isEmpty() ? Optional.empty()
                        : auth.answer(call.registry, challenge.get(), call.scopes, authorization);
                if (retry.isEmpty()) throw calls.failure(call, r.statusCode(), new byte[0], r);
                r = calls.stream(call, retry.get());
            }
            if (isRedirect(r.statusCode())) {
                r.body().close();
                URI target = call.uri.resolve(r.headers().firstValue("Location").orElseThrow(
                        () -> new RegistryException(registry, 0, null, call.describe() + ": redirect without a Location")));
                r = calls.transport().stream(HttpRequest.newBuilder(target).timeout(Duration.ofMinutes(5)).GET().build());
            }
            try (InputStream in = r.body()) {
                if (r.statusCode() == 404) return Optional.empty();
                if (r.statusCode() != 200) throw calls.failure(call, r.statusCode(), in.readNBytes(4096), r);
                return Optional.of(reader.read(in));
            }
        });
    }

    private static boolean isRedirect(int status) {
        return status == 307 || status == 302 || status == 303 || status == 301;
    }
}
