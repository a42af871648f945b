package org.imagetree.cli;

import org.imagetree.ImageTreeEngine.TagMode;
import picocli.CommandLine.Option;

/** {@code --nightly | --snapshot}. */
final class TagModeOptions {
    @Option(names = "--nightly", description = "Append -YYYYMMDD to every tag.") boolean nightly;
    @Option(names = "--snapshot", description = "Append -YYYYMMDD-HHMMSS to every tag.") boolean snapshot;

    static TagMode of(TagModeOptions o) {
        if (o == null) return TagMode.RELEASE;
        return o.nightly ? TagMode.NIGHTLY : o.snapshot ? TagMode.SNAPSHOT : TagMode.RELEASE;
    }
}
