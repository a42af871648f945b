package org.imagetree.registry;

import org.imagetree.registry.RegistryCalls.Call;

import org.imagetree.config.ReadLimits;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Optional;

/**
 * Blob reads: {@code GET /v2/<name>/blobs/<digest>}, whole ({@link #getBlob}) or streamed to a reader that may stop
 * early ({@link #readBlob}), both bounded ({@link ReadLimits}) and verified against the digest (and size, when known)
 * before the caller gets an answer: registry content is hostile. A redirect to blob storage is followed once, without
 * our credentials.
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
                // Through the client's transport (bounded like every answer), without our credentials.
                HttpResponse<byte[]> moved = calls.transport().send(calls.transport().request(target).GET().build());
                if (moved.statusCode() != 200) throw calls.failure(call, moved);
                body = moved.body();
            } else if (r.statusCode() == 200) {
                body = r.body();
            } else {
                throw calls.failure(call, r);
            }
            String actual = VerifiedBlobStream.digestOf(body, digest, call.describe());
            if (!digest.equals(actual)) {
                throw new RegistryException(registry, 200, "DIGEST_INVALID", call.describe() + ": blob bytes have digest "
                        + actual + ", expected " + digest);
            }
            return Optional.of(body);
        });
    }

    /** See {@link RegistryClient#readBlob(String, String, String, long, RegistryClient.BlobReader)}. */
    <T> Optional<T> readBlob(String registry, String repository, String digest, long size, RegistryClient.BlobReader<T> reader) {
        Digests.requireDigest(digest);
        Call call = new Call("GET", calls.uri(registry, "/v2/" + repository + "/blobs/" + digest), registry, RegistryCalls.pull(repository));
        long max = calls.transport().limits().layerBytes();
        return calls.withRetries(call, () -> {
            RegistryAuthenticator auth = calls.auth();
            String authorization = auth.upfront(call.registry, call.scopes).orElse(null);
            HttpResponse<InputStream> r = calls.stream(call, authorization, max);
            if (r.statusCode() == 401) {
                r.body().close();
                Optional<AuthChallenge> challenge = AuthChallenge.select(r.headers().allValues("WWW-Authenticate"));
                Optional<String> retry = challenge.isEmpty() ? Optional.empty()
                        : auth.answer(call.registry, challenge.get(), call.scopes, authorization);
                if (retry.isEmpty()) throw calls.failure(call, r.statusCode(), new byte[0], r);
                r = calls.stream(call, retry.get(), max);
            }
            if (isRedirect(r.statusCode())) {
                r.body().close();
                URI target = call.uri.resolve(r.headers().firstValue("Location").orElseThrow(
                        () -> new RegistryException(registry, 0, null, call.describe() + ": redirect without a Location")));
                r = calls.transport().stream(calls.transport().request(target).GET().build(), max, ReadLimits.LAYER_BYTES);
            }
            try (InputStream in = r.body()) {
                if (r.statusCode() == 404) return Optional.empty();
                if (r.statusCode() != 200) throw calls.failure(call, r.statusCode(), in.readNBytes(4096), r);
                VerifiedBlobStream verified = new VerifiedBlobStream(in, digest, registry + ": blob " + digest + " of " + repository,
                        size, max, ReadLimits.LAYER_BYTES);
                T value;
                try {
                    value = reader.read(verified);
                } catch (IOException | RuntimeException e) {
                    // Bytes that are not the blob explain a reader's failure better than the failure itself does.
                    if (!(e instanceof ReadLimitExceeded) && !(e instanceof VerifiedBlobStream.BlobMismatch)) verified.finish();
                    throw e;
                }
                verified.finish();
                return Optional.of(value);
            }
        });
    }

    private static boolean isRedirect(int status) {
        return status == 307 || status == 302 || status == 303 || status == 301;
    }
}
