package org.imagetree.registry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** The one {@link HttpClient} of a {@link RegistryClient}, with its request timeout and round-trip counter. */
final class Transport {
    private final HttpClient http;
    private final Duration requestTimeout;
    private final AtomicLong requests = new AtomicLong();

    Transport(HttpClient http, Duration requestTimeout) {
        this.http = http;
        this.requestTimeout = requestTimeout;
    }

    HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(requestTimeout).header("User-Agent", "image-tree");
    }

    HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
        requests.incrementAndGet();
        return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    long requestCount() { return requests.get(); }
}
