package org.imagetree.registry;

import org.imagetree.registry.RegistryCalls.Call;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Blob writes: existence checks, uploads and cross-repository mounts. */
final class BlobUploads {
    private static final Logger LOG = LoggerFactory.getLogger(BlobUploads.class);

    private final RegistryCalls calls;

    BlobUploads(RegistryCalls calls) {
        this.calls = calls;
    }

    boolean blobExists(String registry, String repository, String digest) {
        Digests.requireDigest(digest);
        Call call = new Call("HEAD", blobUri(registry, repository, digest), registry, RegistryCalls.pull(repository));
        return calls.withRetries(call, () -> blobExists(call));
    }

    void pushBlob(String registry, String repository, String digest, byte[] content) {
        String actual = Digests.sha256(content);
        if (Digests.isSha256(digest) && !digest.equals(actual)) {
            throw new IllegalArgumentException("blob content has digest " + actual + ", not " + digest);
        }
        pushBlob(registry, repository, digest, BodyPublishers.ofByteArray(content));
    }

    void pushBlob(String registry, String repository, String digest, Path content) {
        try {
            pushBlob(registry, repository, digest, BodyPublishers.ofFile(content));
        } catch (FileNotFoundException e) {
            throw new IllegalArgumentException("blob file not found: " + content, e);
        }
    }

    private void pushBlob(String registry, String repository, String digest, BodyPublisher content) {
        Digests.requireDigest(digest);
        Call head = new Call("HEAD", blobUri(registry, repository, digest), registry, RegistryCalls.push(repository));
        Call start = new Call("POST", calls.uri(registry, "/v2/" + repository + "/blobs/uploads/"), registry, RegistryCalls.push(repository));
        // The whole sequence is one retry unit: an upload session does not survive a failed PUT, and the HEAD makes
        // a retry after a lost 201 a no-op.
        calls.withRetries(start, () -> {
            if (blobExists(head)) return null;
            HttpResponse<byte[]> started = calls.execute(start);
            if (started.statusCode() != 202) throw calls.failure(start, started);
            URI location = uploadLocation(start, started);
            URI target = URI.create(location + (location.getRawQuery() == null ? "?" : "&") + "digest=" + RegistryCalls.urlEncode(digest));
            Call put = new Call("PUT", target, registry, RegistryCalls.push(repository))
                    .header("Content-Type", "application/octet-stream").body(content);
            HttpResponse<byte[]> done = calls.execute(put);
            if (done.statusCode() != 201) throw calls.failure(put, done);
            Optional<String> answered = done.headers().firstValue("Docker-Content-Digest");
            if (answered.isPresent() && !answered.get().equals(digest)) {
                throw new RegistryException(registry, 201, "DIGEST_INVALID", put.describe() + ": registry stored digest " + answered.get());
            }
            return null;
        });
    }

    boolean mountBlob(String registry, String repository, String digest, String fromRepository) {
        Digests.requireDigest(digest);
        List<String> scopes = List.of("repository:" + repository + ":pull,push", "repository:" + fromRepository + ":pull");
        Call call = new Call("POST", calls.uri(registry, "/v2/" + repository + "/blobs/uploads/?mount=" + RegistryCalls.urlEncode(digest)
                + "&from=" + RegistryCalls.urlEncode(fromRepository)), registry, scopes);
        return calls.withRetries(call, () -> {
            HttpResponse<byte[]> r = calls.execute(call);
            if (r.statusCode() == 201) return true;
            if (r.statusCode() != 202) throw calls.failure(call, r);
            // The registry opened an ordinary upload instead; cancel it (best effort).
            try {
                calls.execute(new Call("DELETE", uploadLocation(call, r), registry, RegistryCalls.push(repository)));
            } catch (IOException e) {
                LOG.debug("{}: cancelling an unused upload failed: {}", registry, e.toString());
            }
            return false;
        });
    }

    private boolean blobExists(Call head) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = calls.execute(head);
        if (r.statusCode() == 200) return true;
        if (r.statusCode() == 404) return false;
        throw calls.failure(head, r);
    }

    private URI uploadLocation(Call call, HttpResponse<byte[]> r) {
        String location = r.headers().firstValue("Location").orElseThrow(() ->
                new RegistryException(call.registry, r.statusCode(), null, call.describe() + ": upload started without a Location"));
        return call.uri.resolve(location);
    }

    private URI blobUri(String registry, String repository, String digest) {
        return calls.uri(registry, "/v2/" + repository + "/blobs/" + digest);
    }
}
