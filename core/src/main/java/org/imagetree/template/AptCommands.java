package org.imagetree.template;

import java.util.Optional;

/**
 * The text of docker-pkg's {@code apt_install} and {@code apt_remove} filters (templates write
 * {@code RUN {{ "pkgs" | apt_install }}}), byte for byte (including
 * the double space when {@code apt_options} is empty and the trailing space after {@code lists/*}).
 *
 * @param aptOnlyProxy the {@code apt_only_proxy} (already defaulted from {@code http_proxy}), if any
 * @param aptOptions   the {@code apt_options}, "" when none
 */
record AptCommands(Optional<String> aptOnlyProxy, String aptOptions) {
    private static final String CLEAN = "    && apt-get clean && rm -rf /var/lib/apt/lists/* ";
    private static final String REMOVE_PROXY = "    && rm -f /etc/apt/apt.conf.d/80_proxy \\\n";

    AptCommands {
        aptOptions = aptOptions == null ? "" : aptOptions;
    }

    String install(String packages) {
        String pkgs = packages.replace("\n", " ");
        StringBuilder sb = new StringBuilder();
        aptOnlyProxy.ifPresent(p -> sb.append(writeProxy(p)).append(" \\\n    && "));
        sb.append("apt-get update ").append(aptOptions).append(" \\\n");
        sb.append("    && DEBIAN_FRONTEND=noninteractive \\\n");
        sb.append("    apt-get install ").append(aptOptions).append(" --yes ").append(pkgs).append(" --no-install-recommends \\\n");
        if (aptOnlyProxy.isPresent()) sb.append(REMOVE_PROXY);
        return sb.append(CLEAN).toString();
    }

    String remove(String packages) {
        String pkgs = packages.replace("\n", " ");
        StringBuilder sb = new StringBuilder();
        aptOnlyProxy.ifPresent(p -> sb.append(writeProxy(p)).append("  && \\"));
        sb.append("apt-get update && DEBIAN_FRONTEND=noninteractive apt-get remove --yes --purge ").append(pkgs).append(" \\\n");
        if (aptOnlyProxy.isPresent()) sb.append(REMOVE_PROXY);
        return sb.append(CLEAN).toString();
    }

    private static String writeProxy(String proxy) {
        return "echo 'Acquire::http::Proxy \"" + proxy + "\";' > /etc/apt/apt.conf.d/80_proxy";
    }
}
