/**
 * Registry HTTP API client (Docker Registry V2 / OCI distribution spec), entry point {@link org.imagetree.registry.RegistryClient}.
 *
 * <p>Deliberately unlike docker-pkg's existence check ({@code builder._is_published}, reference §5.10 item 4):
 * <ul>
 *   <li>{@code HEAD}, not {@code GET}: no manifest body is downloaded to learn that a tag exists;</li>
 *   <li>an {@code Accept} list of every OCI and Docker v2 manifest type, so the answer's digest is the real one and
 *       the registry never down-converts to schema 1;</li>
 *   <li>the scheme follows the registry (plain HTTP only for loopback and configured insecure registries), not a
 *       hard-coded {@code https://};</li>
 *   <li>only a 404 means "absent"; a 401/403 is authenticated per the challenge (Bearer token flow or Basic) and a
 *       persistent one, a 5xx or a network failure, is a typed {@link org.imagetree.registry.RegistryException} —
 *       never "not published, rebuild and re-push";</li>
 *   <li>transient faults (5xx, 429 with {@code Retry-After}, resets, timeouts) are retried with bounded backoff.</li>
 * </ul>
 */
package org.imagetree.registry;
