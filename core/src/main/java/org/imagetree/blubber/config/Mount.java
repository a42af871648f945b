package org.imagetree.blubber.config;

/** A builder mount: {@code from} (variant, image or local), {@code destination} (default "."), {@code source}. */
public record Mount(String from, String destination, String source) {
    public Mount {
        from = from == null ? "" : from;
        destination = destination == null || destination.isEmpty() ? "." : destination;
        source = source == null ? "" : source;
    }
}
