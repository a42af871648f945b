package org.imagetree.blubber.config;

/** A builder cache mount: {@code destination}, {@code id} (default destination), {@code access}. */
public record Cache(String destination, String id, String access) {
    public Cache {
        destination = destination == null ? "" : destination;
        id = id == null ? "" : id;
        access = access == null || access.isEmpty() ? "shared" : access;
    }

    public String effectiveId() { return id.isEmpty() ? destination : id; }
}
