/**
 * The Blubber compiler: a Dockerfile per target variant, in the v0.23 text format (spec §3.6), with the classic
 * builder fallbacks of spec §3.9 (base64 files and scripts, cache directories, mount copies, exclude deletion) or
 * BuildKit {@code RUN --mount} for caches and mounts. {@code COPY --exclude} is used only with a labs
 * {@code # syntax} image (off by default because it needs a registry); otherwise matches are deleted after the copy.
 */
package org.imagetree.blubber.compile;
