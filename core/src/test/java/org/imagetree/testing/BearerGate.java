package org.imagetree.testing;

import com.sun.net.httpserver.HttpExchange;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Docker token-auth protocol (distribution {@code token.md}) put in front of a real registry by a
 * {@link FaultyProxy}: {@code /v2/…} without a valid Bearer token granting {@code repository:<name>:<action>} is
 * answered {@code 401} with a Bearer challenge; {@code /token} issues tokens (Basic credentials required, except for
 * pull-only tokens when anonymous pull is on). An auth-flow protocol check, not a registry.
 */
public final class BearerGate {
    public static final String SERVICE = "image-tree-test";
    private static final Pattern REPO_PATH = Pattern.compile("/v2/(.+?)/(manifests|blobs|tags)/.*");

    private final String basic;
    private final boolean anonymousPull;
    private final long expiresInSeconds;
    private final String realm;
    private final AtomicInteger tokensIssued = new AtomicInteger();
    private final Map<String, Set<String>> grants = new ConcurrentHashMap<>();

    private BearerGate(FaultyProxy proxy, String username, String password, boolean anonymousPull, long expiresInSeconds) {
        this.basic = "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.anonymousPull = anonymousPull;
        this.expiresInSeconds = expiresInSeconds;
        this.realm = proxy.baseUri() + "/token";
        proxy.gate(this::check);
    }

    /** Puts the gate on {@code proxy}; tokens say they expire after {@code expiresInSeconds}. */
    public static BearerGate install(FaultyProxy proxy, String username, String password, boolean anonymousPull, long expiresInSeconds) {
        return new BearerGate(proxy, username, password, anonymousPull, expiresInSeconds);
    }

    /** Tokens issued so far. */
    public int tokensIssued() { return tokensIssued.get(); }

    private FaultyProxy.Answer check(HttpExchange x) {
        String path = x.getRequestURI().getRawPath();
        String authorization = x.getRequestHeaders().getFirst("Authorization");
        if (path.equals("/token")) return issue(x, authorization);
        if (!path.startsWith("/v2/")) return null;
        Matcher m = REPO_PATH.matcher(path);
        String method = x.getRequestMethod();
        String action = method.equals("GET") || method.equals("HEAD") ? "pull" : method.equals("DELETE") ? "delete" : "push";
        String needed = m.matches() ? m.group(1) + ":" + action : null;
        if (authorization != null && authorization.startsWith("Bearer ")) {
            Set<String> granted = grants.get(authorization.substring("Bearer ".length()));
            if (granted != null && (needed == null || granted.contains(needed))) return null; // forward
        }
        String challenge = "Bearer realm=\"" + realm + "\",service=\"" + SERVICE + "\""
                + (m.matches() ? ",scope=\"repository:" + m.group(1) + ":" + (action.equals("push") ? "pull,push" : action) + "\"" : "");
        return new FaultyProxy.Answer(401, Map.of("WWW-Authenticate", challenge, "Content-Type", "application/json"),
                "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}".getBytes(StandardCharsets.UTF_8));
    }

    private FaultyProxy.Answer issue(HttpExchange x, String authorization) {
        boolean authenticated = basic.equals(authorization);
        if (authorization != null && !authenticated) return json(401, "{\"details\":\"incorrect username or password\"}");
        List<String> scopes = new ArrayList<>();
        String service = null;
        String query = x.getRequestURI().getRawQuery();
        for (String kv : query == null ? new String[0] : query.split("&")) {
            String[] p = kv.split("=", 2);
            String value = p.length > 1 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "";
            if (p[0].equals("scope")) scopes.add(value);
            if (p[0].equals("service")) service = value;
        }
        if (!SERVICE.equals(service)) return json(400, "{\"details\":\"unknown service\"}");
        Set<String> granted = ConcurrentHashMap.newKeySet();
        for (String scope : scopes) {
            String[] parts = scope.split(":");
            if (parts.length != 3 || !parts[0].equals("repository")) continue;
            for (String action : parts[2].split(",")) {
                if (authenticated || (anonymousPull && action.equals("pull"))) granted.add(parts[1] + ":" + action);
            }
        }
        if (!authenticated && !anonymousPull) return json(401, "{\"details\":\"authentication required\"}");
        String token = "tok-" + tokensIssued.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
        grants.put(token, granted);
        return json(200, "{\"token\":\"" + token + "\",\"expires_in\":" + expiresInSeconds + "}");
    }

    private static FaultyProxy.Answer json(int status, String body) {
        return new FaultyProxy.Answer(status, Map.of("Content-Type", "application/json"), body.getBytes(StandardCharsets.UTF_8));
    }
}
