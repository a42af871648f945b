package org.imagetree.policy.webhook;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.imagetree.policy.admission.AdmissionReviewer;
import org.imagetree.policy.admission.BadAdmissionRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /validate} and {@code GET /healthz}. The body is read without blocking a thread (a client that sends half
 * a body holds none), up to the size limit (413 beyond: refused before it is sent when the client asked for
 * {@code 100-continue}, else read and dropped first) and within the request deadline (408); then the review is
 * decided on a pool thread.
 */
final class AdmissionHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(AdmissionHandler.class);
    private static final String JSON = "application/json";
    /** How much of a body over the limit is read and dropped before the 413, in multiples of the limit. */
    static final int DRAIN_FACTOR = 4;

    private final AdmissionReviewer reviewer;
    private final ObjectMapper mapper;
    private final int maxRequestBytes;
    private final long requestNanos;

    AdmissionHandler(AdmissionReviewer reviewer, ObjectMapper mapper, int maxRequestBytes, Duration requestTimeout) {
        this.reviewer = reviewer;
        this.mapper = mapper;
        this.maxRequestBytes = maxRequestBytes;
        this.requestNanos = requestTimeout.toNanos();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        switch (path) {
            case "/validate" -> {
                if (!HttpMethod.POST.is(method)) {
                    response.getHeaders().put(HttpHeader.ALLOW, "POST");
                    respond(response, callback, 405, error("use POST"));
                } else {
                    boolean tooLarge = request.getLength() > maxRequestBytes;
                    if (tooLarge && request.getHeaders().contains(HttpHeader.EXPECT, HttpHeaderValue.CONTINUE.asString())) {
                        respond(response, callback, 413, tooLarge()); // before the client sends the body
                    } else {
                        new BodyReader(request, response, callback, tooLarge).start();
                    }
                }
            }
            case "/healthz" -> {
                if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
                    response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
                    respond(response, callback, 405, error("use GET"));
                } else {
                    byte[] ok = "ok".getBytes(StandardCharsets.US_ASCII);
                    response.setStatus(200);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
                    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, ok.length);
                    response.write(true, ByteBuffer.wrap(ok), callback); // Jetty sends no body to HEAD
                }
            }
            default -> respond(response, callback, 404, error("not found"));
        }
        return true;
    }

    /**
     * Reads one body chunk by chunk, as Jetty has it, and answers exactly once (the review, 413, 408 or a failure). A
     * body over the limit is read to its end and dropped (up to {@link #DRAIN_FACTOR} times the limit) before the 413,
     * so that a client still sending it reads the answer instead of a connection reset.
     */
    private final class BodyReader implements Runnable {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private final AtomicBoolean answered = new AtomicBoolean();
        private boolean draining;
        private long drained;
        private Scheduler.Task deadline;

        BodyReader(Request request, Response response, Callback callback, boolean tooLarge) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.draining = tooLarge;
        }

        void start() {
            long begin = request.getBeginNanoTime();
            long left = requestNanos - (begin == 0 ? 0 : System.nanoTime() - begin);
            deadline = request.getComponents().getScheduler().schedule(() -> answer(408,
                    error("request not received within " + TimeUnit.NANOSECONDS.toSeconds(requestNanos) + " s")),
                    Math.max(0, left), TimeUnit.NANOSECONDS);
            run();
        }

        /** Reads what is there; asks Jetty to call again when there is more (on a pool thread: this is not Invocable). */
        @Override
        public void run() {
            while (!answered.get()) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    fail(chunk.getFailure());
                    return;
                }
                ByteBuffer bytes = chunk.getByteBuffer();
                boolean last = chunk.isLast();
                if (!draining && body.size() + (long) bytes.remaining() > maxRequestBytes) {
                    draining = true;
                    drained = body.size();
                    body.reset();
                }
                if (draining) {
                    drained += bytes.remaining();
                } else {
                    byte[] copy = new byte[bytes.remaining()];
                    bytes.get(copy);
                    body.write(copy, 0, copy.length);
                }
                chunk.release();
                if (draining && (last || drained > (long) DRAIN_FACTOR * maxRequestBytes)) {
                    answer(413, tooLarge()); // past the drain bound, Jetty closes the connection after the answer
                    return;
                }
                if (last) {
                    answerReview();
                    return;
                }
            }
        }

        private void answerReview() {
            int status = 200;
            byte[] answer;
            try {
                answer = validate(body.toByteArray());
            } catch (HttpError e) {
                status = e.status;
                answer = error(e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("admission request failed: {}", e.toString());
                status = 500;
                answer = error("internal error");
            }
            answer(status, answer);
        }

        private void fail(Throwable failure) {
            if (!answered.compareAndSet(false, true)) return;
            if (deadline != null) deadline.cancel();
            LOG.debug("request body failed: {}", failure.toString());
            callback.failed(failure);
        }

        private void answer(int status, byte[] json) {
            if (!answered.compareAndSet(false, true)) return;
            if (deadline != null) deadline.cancel();
            respond(response, callback, status, json);
        }
    }

    /** The decision on a review body, or an {@link HttpError} for a body that is not a well-formed AdmissionReview. */
    private byte[] validate(byte[] body) {
        JsonNode review;
        try {
            review = mapper.readTree(body);
        } catch (IOException e) {
            throw new HttpError(400, "malformed JSON: " + (e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage()));
        }
        AdmissionReviewer.Decision decision;
        try {
            decision = reviewer.review(review);
        } catch (BadAdmissionRequest e) {
            throw new HttpError(400, e.getMessage());
        }
        LOG.debug("admission {} allowed={}", decision.uid(), decision.allowed());
        try {
            return mapper.writeValueAsBytes(reviewer.response(decision));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void respond(Response response, Callback callback, int status, byte[] json) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, json.length);
        response.write(true, ByteBuffer.wrap(json), callback);
    }

    private byte[] tooLarge() {
        return error("request body larger than " + maxRequestBytes + " bytes");
    }

    private byte[] error(String message) {
        return JsonErrorHandler.json(mapper, message);
    }

    /** A request that gets an error status instead of a review. */
    private static final class HttpError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        HttpError(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }
}
