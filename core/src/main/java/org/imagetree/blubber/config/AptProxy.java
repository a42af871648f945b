package org.imagetree.blubber.config;

/** An APT proxy, optionally restricted to one APT source URL. */
public record AptProxy(String url, String source) {
    public AptProxy {
        url = url == null ? "" : url;
        source = source == null ? "" : source;
    }
}
