package org.imagetree.cli;

import org.imagetree.base.BaseImages;
import org.imagetree.base.DebuerreotypeBuilder;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;

/** How base images are built: shared by {@code base build} and {@code refresh}. */
final class BaseOptions {
    @Option(names = "--mirror", paramLabel = "URL", defaultValue = DebuerreotypeBuilder.DEFAULT_MIRROR,
            description = "Debian mirror when snapshot.debian.org is not used (default: ${DEFAULT-VALUE}).")
    String mirror = DebuerreotypeBuilder.DEFAULT_MIRROR;

    @Option(names = "--timestamp", paramLabel = "T",
            description = "Snapshot time (YYYY-MM-DDTHH:MM:SSZ or @EPOCH): snapshot.debian.org when it answers, else the mirror now.")
    String timestamp;

    @Option(names = "--apt-source", paramLabel = "FILE",
            description = "The organisation's sources.list, replacing Debian's; '{distro}' in the path is replaced by the distro.")
    String aptSource;

    @Option(names = "--apt-key", paramLabel = "FILE", description = "APT key (.gpg or .asc) for those sources.")
    Path aptKey;

    @Option(names = "--apt-preferences", paramLabel = "FILE", description = "APT pinning (preferences.d).")
    Path aptPreferences;

    BaseImages.Options options(boolean publish) {
        return new BaseImages.Options(Optional.ofNullable(timestamp), mirror, Optional.ofNullable(aptSource),
                Optional.ofNullable(aptKey), Optional.ofNullable(aptPreferences), publish, ImageTreeCommand.tempDir());
    }
}
