package org.imagetree.registry;

import com.sun.net.httpserver.HttpServer;
import org.imagetree.model.ImageReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Protocol details the installed Distribution 2.8 cannot show: it ignores {@code n} on {@code tags/list} (tag
 * pagination arrived in distribution v3), and a registry never lies about digests. A tiny scripted HTTP server does.
 */
class ProtocolTest {
    private HttpServer server;
    private final List<String> requests = new ArrayList<>();

    @AfterEach
    void stop() { if (server != null) server.stop(0); }

    /** Starts a server answering {@code "METHOD uri"} keys from the map the function builds for its host. */
    private String serve(Function<String, Map<String, Response>> script) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        String host = "127.0.0.1:" + server.getAddress().getPort();
        Map<String, Response> responses = script.apply(host);
        server.createContext("/", x -> {
            try (x) {
                String key = x.getRequestMethod() + " " + x.getRequestURI();
                requests.add(key);
                Response r = responses.getOrDefault(key, new Response(404, Map.of(), "{}"));
                r.headers().forEach((k, v) -> x.getResponseHeaders().set(k, v));
                byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
                x.sendResponseHeaders(r.status(), body.length == 0 || x.getRequestMethod().equals("HEAD") ? -1 : body.length);
                if (!x.getRequestMethod().equals("HEAD")) x.getResponseBody().write(body);
            }
        });
        server.start();
        return host;
    }

    private record Response(int status, Map<String, String> headers, String body) {}

    private static RegistryClient client(int pageSize) {
        return RegistryClient.builder().tagPageSize(pageSize).retryPolicy(RetryPolicy.NONE).requestTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void listTagsFollowsRelativeAndAbsoluteNextLinksUntilThereIsNone() throws IOException {
        String host = serve(h -> Map.of(
                "GET /v2/ns/app/tags/list?n=2", new Response(200,
                        Map.of("Link", "</v2/ns/app/tags/list?n=2&last=b>; rel=\"next\""), "{\"name\":\"ns/app\",\"tags\":[\"a\",\"b\"]}"),
                // fewer than n tags is not the end: only a missing Link is
                "GET /v2/ns/app/tags/list?n=2&last=b", new Response(200,
                        Map.of("Link", "<http://" + h + "/v2/ns/app/tags/list?n=2&last=d>; rel=\"next\""), "{\"name\":\"ns/app\",\"tags\":[\"c\"]}"),
                "GET /v2/ns/app/tags/list?n=2&last=d", new Response(200, Map.of(), "{\"name\":\"ns/app\",\"tags\":[\"e\"]}")));

        assertThat(client(2).listTags(host, "ns/app")).containsExactly("a", "b", "c", "e");
        assertThat(requests).hasSize(3);
    }

    @Test
    void listTagsStopsOnALinkLoop() throws IOException {
        String host = serve(h -> Map.of("GET /v2/ns/app/tags/list", new Response(200,
                Map.of("Link", "</v2/ns/app/tags/list>; rel=\"next\""), "{\"tags\":[\"a\"]}")));

        assertThatThrownBy(() -> client(0).listTags(host, "ns/app")).isInstanceOf(RegistryException.class).hasMessageContaining("does not end");
    }

    @Test
    void manifestWhoseBytesDoNotMatchTheRequestedDigestIsRejected() throws IOException {
        String digest = "sha256:" + "a".repeat(64);
        String host = serve(h -> Map.of("GET /v2/ns/app/manifests/" + digest, new Response(200,
                Map.of("Content-Type", MediaTypes.OCI_MANIFEST, "Docker-Content-Digest", digest), "{\"schemaVersion\":2}")));

        assertThatThrownBy(() -> client(0).getManifest(ImageReference.parse(host + "/ns/app@" + digest)))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.errorCode()).contains("DIGEST_INVALID"));
    }

    @Test
    void headWithoutDigestHeaderFallsBackToGetAndHashesTheBytes() throws IOException {
        String body = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST + "\"}";
        String host = serve(h -> Map.of(
                "HEAD /v2/ns/old/manifests/1", new Response(200, Map.of("Content-Type", MediaTypes.DOCKER_MANIFEST), ""),
                "GET /v2/ns/old/manifests/1", new Response(200, Map.of("Content-Type", MediaTypes.DOCKER_MANIFEST), body)));

        assertThat(client(0).headManifest(ImageReference.parse(host + "/ns/old:1"))).contains(new ManifestDescriptor(
                Digests.sha256(body.getBytes(StandardCharsets.UTF_8)), MediaTypes.DOCKER_MANIFEST, body.length()));
    }

    @Test
    void credentialsAreNeverSentToAPlainHttpTokenServerElsewhere() throws IOException {
        String host = serve(h -> Map.of("HEAD /v2/ns/app/manifests/1", new Response(401,
                Map.of("WWW-Authenticate", "Bearer realm=\"http://auth.example.invalid/token\",service=\"x\""), "")));
        RegistryClient client = RegistryClient.builder().retryPolicy(RetryPolicy.NONE)
                .credentials(new RegistryCredentials(host, "u", "p4ssw0rd")).build();

        assertThatThrownBy(() -> client.headManifest(ImageReference.parse(host + "/ns/app:1")))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.getMessage()).contains("refusing to send credentials").doesNotContain("p4ssw0rd");
                    assertThat(e.status()).isEqualTo(401);
                });
        assertThat(client.requestCount()).isEqualTo(1);
    }

    @Test
    void theAcceptHeaderListsEveryManifestType() throws IOException {
        List<String> accepts = new ArrayList<>();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.createContext("/", x -> {
            try (x) {
                accepts.addAll(x.getRequestHeaders().get("Accept"));
                x.sendResponseHeaders(404, -1);
            }
        });
        server.start();

        client(0).headManifest(ImageReference.parse("127.0.0.1:" + server.getAddress().getPort() + "/ns/app:1"));

        assertThat(String.join(",", accepts)).contains(MediaTypes.OCI_INDEX, MediaTypes.OCI_MANIFEST,
                MediaTypes.DOCKER_MANIFEST_LIST, MediaTypes.DOCKER_MANIFEST);
    }
}
