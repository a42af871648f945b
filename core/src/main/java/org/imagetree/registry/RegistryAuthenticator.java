package org.imagetree.registry;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Answers registry authentication challenges (token.md Bearer flow, or Basic) and remembers, per registry, how it
 * wants to be authenticated so later requests authenticate up front (no 401 round trip, no body sent twice).
 * Bearer tokens are cached per registry and scope set until shortly before they expire. Thread-safe.
 */
final class RegistryAuthenticator {
    private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);

    private final Map<String, RegistryCredentials> credentials;
    private final Transport transport;
    private final RegistryCalls.LazyJson json;
    private final Clock clock;
    private final Predicate<String> plainHttpAllowed;
    private final Set<String> basicRegistries = ConcurrentHashMap.newKeySet();
    private final Map<String, AuthChallenge> bearerChallenges = new ConcurrentHashMap<>();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    private record Token(String value, Instant refreshAt) {
        @Override
        public String toString() { return "Token[****, refreshAt=" + refreshAt + "]"; }
    }

    RegistryAuthenticator(Map<String, RegistryCredentials> credentials, Transport transport, RegistryCalls.LazyJson json, Clock clock,
                          Predicate<String> plainHttpAllowed) {
        this.credentials = Map.copyOf(credentials);
        this.transport = transport;
        this.json = json;
        this.clock = clock;
        this.plainHttpAllowed = plainHttpAllowed;
    }

    boolean hasCredentials(String registry) { return credentials.containsKey(registry); }

    /** The {@code Authorization} value to send before any challenge, from what the registry asked for earlier. */
    /** Whether requests to {@code registry} now carry credentials up front (it challenged an earlier request). */
    boolean authenticatesUpfront(String registry) {
        return credentials.containsKey(registry) && basicRegistries.contains(registry) || bearerChallenges.containsKey(registry);
    }

    Optional<String> upfront(String registry, List<String> scopes) throws IOException, InterruptedException {
        RegistryCredentials creds = credentials.get(registry);
        if (creds != null && basicRegistries.contains(registry)) return Optional.of(creds.basicAuthorization());
        AuthChallenge bearer = bearerChallenges.get(registry);
        if (bearer != null) return Optional.of(bearer(registry, bearer, scopes, null));
        return Optional.empty();
    }

    /**
     * The {@code Authorization} value to retry with after a 401 carrying {@code challenge}, or empty when there is
     * nothing new to try (no credentials, or the same credentials were just refused).
     */
    Optional<String> answer(String registry, AuthChallenge challenge, List<String> scopes, String refused)
            throws IOException, InterruptedException {
        if (challenge.isBasic()) {
            RegistryCredentials creds = credentials.get(registry);
            if (creds == null) return Optional.empty();
            basicRegistries.add(registry);
            String authorization = creds.basicAuthorization();
            return authorization.equals(refused) ? Optional.empty() : Optional.of(authorization);
        }
        if (challenge.isBearer() && challenge.param("realm") != null) {
            bearerChallenges.put(registry, challenge);
            List<String> wanted = scopes.isEmpty() && challenge.param("scope") != null ? List.of(challenge.param("scope")) : scopes;
            String authorization = bearer(registry, challenge, wanted, refused);
            return authorization.equals(refused) ? Optional.empty() : Optional.of(authorization);
        }
        return Optional.empty();
    }

    /** Replaces every secret this authenticator knows (passwords, Basic values, tokens) in a message. */
    String redact(String message) {
        if (message == null) return null;
        java.util.List<String> secrets = new java.util.ArrayList<>();
        for (RegistryCredentials c : credentials.values()) {
            secrets.add(c.password());
            secrets.add(c.basicAuthorization().substring("Basic ".length()));
        }
        for (Token t : tokens.values()) secrets.add(t.value());
        return org.imagetree.config.SecretMask.of(secrets).mask(message);
    }

    private String bearer(String registry, AuthChallenge challenge, List<String> scopes, String refused)
            throws IOException, InterruptedException {
        String key = registry + '\n' + challenge.param("realm") + '\n' + challenge.param("service") + '\n' + String.join(" ", scopes);
        Token cached = tokens.get(key);
        if (cached != null && clock.instant().isBefore(cached.refreshAt()) && !("Bearer " + cached.value()).equals(refused)) {
            return "Bearer " + cached.value();
        }
        if (cached != null) tokens.remove(key, cached);
        Token fresh = fetchToken(registry, challenge, scopes);
        tokens.put(key, fresh);
        return "Bearer " + fresh.value();
    }

    private Token fetchToken(String registry, AuthChallenge challenge, List<String> scopes) throws IOException, InterruptedException {
        StringBuilder query = new StringBuilder();
        if (challenge.param("service") != null) appendParam(query, "service", challenge.param("service"));
        for (String scope : scopes) appendParam(query, "scope", scope);
        URI realm = URI.create(challenge.param("realm"));
        if (realm.getScheme() == null || !(realm.getScheme().equals("https") || realm.getScheme().equals("http"))) {
            throw new RegistryException(registry, 401, "UNAUTHORIZED", registry + ": unusable token realm in the registry's challenge");
        }
        URI uri = URI.create(realm + (query.length() == 0 ? "" : (realm.getRawQuery() == null ? "?" : "&") + query));
        HttpRequest.Builder request = transport.request(uri).GET().header("Accept", "application/json");
        RegistryCredentials creds = credentials.get(registry);
        if (creds != null) {
            String authority = realm.getPort() < 0 ? realm.getHost() : realm.getHost() + ":" + realm.getPort();
            if (realm.getScheme().equals("http") && !plainHttpAllowed.test(authority)) {
                throw new RegistryException(registry, 401, "UNAUTHORIZED", registry + ": refusing to send credentials to token server "
                        + realm.getHost() + " over plain HTTP (not loopback, not an insecure registry)");
            }
            request.header("Authorization", creds.basicAuthorization());
        }
        HttpResponse<byte[]> response = transport.send(request.build());
        int status = response.statusCode();
        if (status != 200) {
            boolean retryable = status >= 500 || status == 429;
            String why = status == 401 || status == 403
                    ? (creds == null ? "refused an anonymous token" : "rejected the credentials configured for " + registry)
                    : "answered HTTP " + status;
            throw new RegistryException(registry, status, status == 401 ? "UNAUTHORIZED" : status == 403 ? "DENIED" : null,
                    registry + ": token server " + realm.getHost() + realm.getPath() + " " + why + " (scope " + String.join(" ", scopes) + ")",
                    retryable, RegistryCalls.retryAfter(response), null);
        }
        JsonNode body;
        try {
            body = json.get().readTree(response.body());
        } catch (IOException e) {
            throw new RegistryException(registry, status, null, registry + ": token server answered something that is not JSON");
        }
        String value = text(body, "token").or(() -> text(body, "access_token")).orElseThrow(() ->
                new RegistryException(registry, status, null, registry + ": token server answered without a token"));
        Duration lifetime = body.path("expires_in").canConvertToLong() && body.path("expires_in").asLong() > 0
                ? Duration.ofSeconds(body.path("expires_in").asLong()) : DEFAULT_TOKEN_LIFETIME;
        // Refresh a little early so a token does not expire between our check and the registry's.
        return new Token(value, clock.instant().plus(lifetime.multipliedBy(9).dividedBy(10)));
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() && !v.asText().isEmpty() ? Optional.of(v.asText()) : Optional.empty();
    }

    private static void appendParam(StringBuilder sb, String name, String value) {
        if (sb.length() > 0) sb.append('&');
        sb.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
}
