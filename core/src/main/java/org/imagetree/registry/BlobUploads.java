package org.imagetree.registry;

import org.imagetree.registry.RegistryCalls.Call;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Blob writes: existence checks, cross-repository mounts, and uploads that survive a flaky network.
 *
 * <p>An upload ({@link #upload}) is a session: {@code POST /v2/<name>/blobs/uploads/} opens it, then the bytes go in
 * one {@code PUT <location>?digest=} (blobs up to the chunk size) or in {@code PATCH} chunks and a closing
 * {@code PUT}. Every request is retried on its own, not the whole upload: after a 5xx, a 429 or a broken connection
 * the client asks the session where it stands ({@code GET <location>}: {@code 204} with {@code Range: 0-<last byte>})
 * and sends the rest from there. When the registry no longer knows the session (404, {@code BLOB_UPLOAD_UNKNOWN},
 * {@code BLOB_UPLOAD_INVALID}: Distribution cancels a session whose state token is stale, e.g. after a chunk that
 * arrived in part) or answers nonsense (a {@code Range} beyond what was sent, a {@code 202} without {@code Location}),
 * the upload restarts with a new session, a bounded number of times. A {@code PUT} whose answer was lost is settled by
 * a {@code HEAD} of the blob. The registry checks the digest of what it received; a mismatch restarts the upload.
 */
final class BlobUploads {
    private static final Logger LOG = LoggerFactory.getLogger(BlobUploads.class);
    private static final Pattern RANGE = Pattern.compile("(?:bytes=)?(\\d+)-(\\d+)");

    private final RegistryCalls calls;
    private final AtomicLong bytesSent = new AtomicLong();

    BlobUploads(RegistryCalls calls) {
        this.calls = calls;
    }

    /** Blob bytes handed to the network so far, resent ones included. */
    long bytesSent() { return bytesSent.get(); }

    boolean blobExists(String registry, String repository, String digest) {
        Digests.requireDigest(digest);
        Call call = new Call("HEAD", blobUri(registry, repository, digest), registry, RegistryCalls.pull(repository));
        return calls.withRetries(call, () -> blobExists(call));
    }

    void pushBlob(String registry, String repository, String digest, byte[] content) {
        BlobContent blob = BlobContent.of(content);
        if (Digests.isSha256(digest) && !digest.equals(blob.digest())) {
            throw new IllegalArgumentException("blob content has digest " + blob.digest() + ", not " + digest);
        }
        upload(registry, repository, blob, List.of());
    }

    void pushBlob(String registry, String repository, String digest, Path content) {
        long size;
        try {
            size = Files.size(content);
        } catch (IOException e) {
            throw new IllegalArgumentException("blob file not found: " + content, e);
        }
        upload(registry, repository, BlobContent.of(content, digest, size), List.of());
    }

    /**
     * Makes {@code blob} available in {@code repository}: mounted from the first of {@code mountFrom} (repositories of
     * the same registry said to hold it) that the registry mounts from; when {@code mountFrom} names no other
     * repository, or names {@code repository} itself, first nothing when it is there ({@code HEAD}); else uploaded,
     * resumed or restarted as the class comment says.
     */
    UploadOutcome upload(String registry, String repository, BlobContent blob, List<String> mountFrom) {
        Call head = new Call("HEAD", blobUri(registry, repository, blob.digest()), registry, RegistryCalls.push(repository));
        // A blob said to be only in other repositories is mounted straight away (one request, as the Docker Engine
        // does; a repository that has the blob mounts it again); one said to be here, or nowhere, is asked for first.
        if (mountFirst(repository, mountFrom) == null && calls.withRetries(head, () -> blobExists(head))) return UploadOutcome.PRESENT;
        Session session = null;
        for (String from : mountFrom) {
            if (from.equals(repository)) continue;
            Mount m = mount(registry, repository, blob.digest(), from);
            if (m.mounted()) return UploadOutcome.MOUNTED;
            if (m.session() != null) {
                session = m.session(); // Distribution opens an ordinary upload when it cannot mount: use it
                break;
            }
        }
        int maxStarts = calls.options().retryPolicy().maxAttempts();
        for (int start = 1; ; start++) {
            if (session == null) session = open(registry, repository);
            try {
                send(session, blob);
                return UploadOutcome.UPLOADED;
            } catch (Restart r) {
                // A session lost after its closing PUT went through: the blob is there.
                if (calls.withRetries(head, () -> blobExists(head))) return UploadOutcome.UPLOADED;
                if (start >= maxStarts) {
                    throw new RegistryException(registry, r.status, null, calls.auth().redact(r.getMessage() + "; upload of " + blob.digest()
                            + " to " + repository + " restarted " + start + " times, giving up"), true, null, r);
                }
                calls.tell(calls.auth().redact(r.getMessage()) + "; upload of " + blob.digest() + " restarts (start " + (start + 1)
                        + " of " + maxStarts + ")");
                cancel(session);
                session = null;
            }
        }
    }

    /**
     * The repository a blob is mounted from before anything else is asked, or null when the blob is first looked for
     * in {@code repository} ({@code HEAD}): {@code mountFrom} names {@code repository} itself, or no other repository.
     */
    static String mountFirst(String repository, List<String> mountFrom) {
        if (mountFrom.contains(repository)) return null;
        return mountFrom.isEmpty() ? null : mountFrom.get(0);
    }

    /** {@code POST /v2/<name>/blobs/uploads/}: a new session (202 and a {@code Location}; without one, the POST is retried). */
    private Session open(String registry, String repository) {
        Call call = new Call("POST", calls.uri(registry, "/v2/" + repository + "/blobs/uploads/"), registry, RegistryCalls.push(repository));
        return calls.withRetries(call, () -> {
            HttpResponse<byte[]> r = calls.execute(call);
            if (r.statusCode() != 202) throw calls.failure(call, r);
            return new Session(registry, repository, location(call, r), 0);
        });
    }

    private record Mount(boolean mounted, Session session) {}

    private Mount mount(String registry, String repository, String digest, String fromRepository) {
        List<String> scopes = List.of("repository:" + repository + ":pull,push", "repository:" + fromRepository + ":pull");
        Call call = new Call("POST", calls.uri(registry, "/v2/" + repository + "/blobs/uploads/?mount=" + RegistryCalls.urlEncode(digest)
                + "&from=" + RegistryCalls.urlEncode(fromRepository)), registry, scopes);
        return calls.withRetries(call, () -> {
            HttpResponse<byte[]> r = calls.execute(call);
            if (r.statusCode() == 201) return new Mount(true, null);
            if (r.statusCode() != 202) throw calls.failure(call, r);
            Optional<String> location = r.headers().firstValue("Location");
            return new Mount(false, location.map(l -> new Session(registry, repository, call.uri.resolve(l), 0)).orElse(null));
        });
    }

    /**
     * Cross-repository mount: makes {@code digest} from {@code fromRepository} available in {@code repository} without
     * uploading. False when the registry did not mount (the session it opened instead is cancelled).
     */
    boolean mountBlob(String registry, String repository, String digest, String fromRepository) {
        Digests.requireDigest(digest);
        Mount m = mount(registry, repository, digest, fromRepository);
        if (m.session() != null) cancel(m.session());
        return m.mounted();
    }

    /** An open upload: where to send the next request and how many bytes the registry has. */
    private static final class Session {
        final String registry;
        final String repository;
        URI location;
        long offset;

        Session(String registry, String repository, URI location, long offset) {
            this.registry = registry;
            this.repository = repository;
            this.location = location;
            this.offset = offset;
        }
    }

    /** The session cannot go on: start a new one. */
    private static final class Restart extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Restart(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private void send(Session s, BlobContent blob) throws Restart {
        long chunk = calls.options().uploadChunkSize();
        if (blob.size() <= chunk) {
            put(s, blob, true);
            return;
        }
        while (s.offset < blob.size()) patch(s, blob, Math.min(blob.size(), s.offset + chunk));
        put(s, blob, false);
    }

    /**
     * {@code PATCH} of the bytes from the session's offset to {@code end}, until the registry has them (or restart).
     * After an answer that says the request was not taken (5xx, 429) it is sent again as it was; after a broken
     * connection (the registry may have kept part of it) or a {@code 416}, the session is asked where it stands first.
     */
    private void patch(Session s, BlobContent blob, long end) throws Restart {
        RetryPolicy policy = calls.options().retryPolicy();
        int attempt = 0;
        while (true) {
            attempt++;
            long from = s.offset;
            Call call = new Call("PATCH", s.location, s.registry, RegistryCalls.push(s.repository))
                    .header("Content-Type", "application/octet-stream")
                    .header("Content-Range", from + "-" + (end - 1))
                    .body(body(blob, from, end - from));
            Failure f;
            try {
                HttpResponse<byte[]> r = calls.execute(call);
                if (r.statusCode() == 202) {
                    s.location = r.headers().firstValue("Location").map(call.uri::resolve).orElse(s.location);
                    long received = range(r).orElse(end);
                    if (received > end || received <= from) {
                        throw new Restart(r.statusCode(), call.describe() + " answered Range 0-" + Math.max(0, received - 1)
                                + " after bytes " + from + "-" + (end - 1) + " were sent");
                    }
                    s.offset = received; // fewer than sent: the rest goes again
                    return;
                }
                restartIfSessionGone(call, r);
                f = r.statusCode() == 416 ? new Failure(calls.failure(call, r).getMessage(), 416, null, true) : answered(call, r);
            } catch (IOException e) {
                f = broken(call, attempt, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw RegistryCalls.interrupted(call, e);
            }
            giveUpOrPause(call, policy, attempt, f);
            if (f.askSession()) {
                if (!status(s, blob)) throw new Restart(RegistryException.NO_STATUS, call.describe() + ": the upload session is gone");
                if (s.offset > from) attempt = 0;
                if (s.offset >= end) return;
            }
        }
    }

    /**
     * The closing {@code PUT ?digest=}, with the bytes from the session's offset when {@code withBody} (a monolithic
     * upload), until the registry has the blob (or restart). After a broken connection the session is asked where it
     * stands; when it is gone, a {@code HEAD} tells whether the PUT completed and only its answer was lost.
     */
    private void put(Session s, BlobContent blob, boolean withBody) throws Restart {
        RetryPolicy policy = calls.options().retryPolicy();
        for (int attempt = 1; ; attempt++) {
            URI target = URI.create(s.location + (s.location.getRawQuery() == null ? "?" : "&") + "digest="
                    + RegistryCalls.urlEncode(blob.digest()));
            Call call = new Call("PUT", target, s.registry, RegistryCalls.push(s.repository));
            if (withBody) {
                call.header("Content-Type", "application/octet-stream").body(body(blob, s.offset, blob.size() - s.offset));
            }
            Failure f;
            try {
                HttpResponse<byte[]> r = calls.execute(call);
                if (r.statusCode() == 201 || r.statusCode() == 204) {
                    Optional<String> answered = r.headers().firstValue("Docker-Content-Digest");
                    if (answered.isPresent() && !answered.get().equals(blob.digest())) {
                        throw new Restart(r.statusCode(), call.describe() + ": registry stored digest " + answered.get() + ", not " + blob.digest());
                    }
                    return;
                }
                restartIfSessionGone(call, r);
                if (r.statusCode() == 400) {
                    // DIGEST_INVALID, SIZE_INVALID: what the registry has is not the blob (bytes lost or doubled)
                    throw new Restart(r.statusCode(), calls.failure(call, r).getMessage());
                }
                f = answered(call, r);
            } catch (IOException e) {
                f = broken(call, attempt, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw RegistryCalls.interrupted(call, e);
            }
            giveUpOrPause(call, policy, attempt, f);
            if (f.askSession()) {
                if (!status(s, blob)) {
                    // The PUT may have completed and only its answer been lost: then the registry has the blob.
                    if (blobExists(s.registry, s.repository, blob.digest())) return;
                    throw new Restart(RegistryException.NO_STATUS, call.describe() + ": the upload session is gone");
                }
                if (!withBody && s.offset != blob.size()) {
                    throw new Restart(RegistryException.NO_STATUS, call.describe() + ": the registry has " + s.offset + " of "
                            + blob.size() + " bytes before the closing PUT");
                }
            }
        }
    }

    /** Why an attempt failed, and whether the session must be asked where it stands before the next. */
    private record Failure(String message, int status, Duration retryAfter, boolean askSession) {}

    /** A retryable answer (5xx, 429): the request was not taken, it goes again as it was; anything else fails. */
    private Failure answered(Call call, HttpResponse<byte[]> r) {
        RegistryException e = calls.failure(call, r);
        if (!e.isRetryable()) throw e;
        return new Failure(e.getMessage(), e.status(), e.retryAfter().orElse(null), false);
    }

    /** A broken connection: the registry may have taken all, part or none of the request. */
    private Failure broken(Call call, int attempt, IOException e) {
        if (TransportFailure.isTls(e) || TransportFailure.isUnknownHost(e)) throw transportFailure(call, attempt, e);
        return new Failure(calls.auth().redact(call.describe() + ": " + TransportFailure.describe(e, call.registry)),
                RegistryException.NO_STATUS, null, true);
    }

    private void giveUpOrPause(Call call, RetryPolicy policy, int attempt, Failure f) {
        if (attempt >= policy.maxAttempts()) {
            throw new RegistryException(call.registry, f.status(), null, f.message() + " (gave up after " + attempt + " attempts)",
                    true, null, null);
        }
        pause(call, policy, attempt, f.retryAfter(), f.message());
    }

    /**
     * {@code GET <location>}: the session's {@code Range} and next {@code Location}. False when the session is gone
     * (404, {@code BLOB_UPLOAD_UNKNOWN}, {@code BLOB_UPLOAD_INVALID}); a restart when it answers nonsense.
     */
    private boolean status(Session s, BlobContent blob) throws Restart {
        Call call = new Call("GET", s.location, s.registry, RegistryCalls.push(s.repository));
        HttpResponse<byte[]> r = calls.withRetries(call, () -> {
            HttpResponse<byte[]> answer = calls.execute(call);
            if (answer.statusCode() >= 500 || answer.statusCode() == 429) throw calls.failure(call, answer);
            return answer;
        });
        if (r.statusCode() != 204 && r.statusCode() != 200) {
            LOG.debug("{} answered HTTP {}: the upload session is gone", call.describe(), r.statusCode());
            return false;
        }
        Optional<Long> received = range(r);
        if (received.isEmpty()) throw new Restart(r.statusCode(), call.describe() + " answered without a Range");
        if (received.get() > blob.size()) {
            throw new Restart(r.statusCode(), call.describe() + " answered Range 0-" + (received.get() - 1) + " for a blob of " + blob.size() + " bytes");
        }
        s.offset = received.get();
        s.location = r.headers().firstValue("Location").map(call.uri::resolve).orElse(s.location);
        LOG.debug("{}: the registry has {} of {} bytes", call.describe(), s.offset, blob.size());
        return true;
    }

    private void restartIfSessionGone(Call call, HttpResponse<byte[]> r) throws Restart {
        int status = r.statusCode();
        if (status == 404 || status == 416) throw new Restart(status, calls.failure(call, r).getMessage());
        if (status == 400) {
            String code = calls.failure(call, r).errorCode().orElse("");
            if (code.equals("BLOB_UPLOAD_UNKNOWN") || code.equals("BLOB_UPLOAD_INVALID")) {
                throw new Restart(status, calls.failure(call, r).getMessage());
            }
        }
    }

    private void pause(Call call, RetryPolicy policy, int attempt, Duration retryAfter, String failure) {
        Duration delay = policy.delayAfter(attempt, retryAfter);
        LOG.debug("{}: attempt {} failed, retrying: {}", call.describe(), attempt, failure);
        calls.tell(failure + " (attempt " + attempt + " of " + policy.maxAttempts() + "), retrying in " + delay.toMillis() + " ms");
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RegistryCalls.interrupted(call, e);
        }
    }

    private RegistryException transportFailure(Call call, int attempt, IOException e) {
        return new RegistryException(call.registry, RegistryException.NO_STATUS, null, calls.auth().redact(call.describe() + " failed after "
                + attempt + " attempt(s): " + TransportFailure.describe(e, call.registry)), false, null, e);
    }

    /** Best effort: tells the registry a session will not be used (it would expire anyway). */
    private void cancel(Session s) {
        try {
            calls.execute(new Call("DELETE", s.location, s.registry, RegistryCalls.push(s.repository)));
        } catch (IOException e) {
            LOG.debug("{}: cancelling an unused upload failed: {}", s.registry, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code length} bytes of {@code blob} from {@code offset}, with a {@code Content-Length}, counted as they are read. */
    private BodyPublisher body(BlobContent blob, long offset, long length) {
        if (length == 0) return BodyPublishers.noBody();
        return BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> {
            try {
                return new Counted(blob.open(offset), length);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + blob, e);
            }
        }), length);
    }

    /** At most {@code limit} bytes of a stream, each one counted in {@link #bytesSent}. */
    private final class Counted extends InputStream {
        private final InputStream in;
        private long left;

        Counted(InputStream in, long limit) {
            this.in = in;
            this.left = limit;
        }

        @Override public int read() throws IOException {
            if (left <= 0) return -1;
            int b = in.read();
            if (b >= 0) {
                left--;
                bytesSent.incrementAndGet();
            }
            return b;
        }

        @Override public int read(byte[] buf, int off, int len) throws IOException {
            if (left <= 0) return -1;
            int n = in.read(buf, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
                bytesSent.addAndGet(n);
            }
            return n;
        }

        @Override public void close() throws IOException { in.close(); }
    }

    /**
     * The number of bytes a session holds, from {@code Range: 0-<last>} ({@code 0-0} is read as nothing received:
     * Distribution answers it for an empty session, and resuming one byte early only costs a restart).
     */
    private static Optional<Long> range(HttpResponse<?> r) {
        Optional<String> v = r.headers().firstValue("Range");
        if (v.isEmpty()) return Optional.empty();
        Matcher m = RANGE.matcher(v.get().trim());
        if (!m.matches()) return Optional.empty();
        try {
            long first = Long.parseLong(m.group(1));
            long last = Long.parseLong(m.group(2));
            if (first != 0 || last < 0) return Optional.empty();
            return Optional.of(last == 0 ? 0L : last + 1);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private boolean blobExists(Call head) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = calls.execute(head);
        if (r.statusCode() == 200) return true;
        if (r.statusCode() == 404) return false;
        throw calls.failure(head, r);
    }

    private URI location(Call call, HttpResponse<byte[]> r) {
        String location = r.headers().firstValue("Location").orElseThrow(() ->
                calls.protocolFailure(call, r.statusCode(), "upload started without a Location", true));
        return call.uri.resolve(location);
    }

    private URI blobUri(String registry, String repository, String digest) {
        return calls.uri(registry, "/v2/" + repository + "/blobs/" + digest);
    }
}
