/**
 * Blubber v4 configuration: strict decoding ({@link org.imagetree.blubber.config.ConfigDecoder}), immutable
 * records, Blubber's validation rules and messages plus injection guards
 * ({@link org.imagetree.blubber.config.ConfigValidator}), includes/copies expansion with Blubber's merge rules
 * ({@link org.imagetree.blubber.config.Expander}) and policy files ({@link org.imagetree.blubber.config.Policy}).
 *
 * <p>Deliberate deviations from Blubber, all on the side of rejecting input: keys match exactly (Go matches them
 * case-insensitively); a {@code builders} entry with zero or several keys is an error; paths, versions, release
 * names and exclude patterns with quotes, backslashes, backticks, {@code $} (except {@code ${NAME}} in cache and
 * mount paths) or newlines are rejected; the copies graph is computed from fully expanded variants.
 */
package org.imagetree.blubber.config;
