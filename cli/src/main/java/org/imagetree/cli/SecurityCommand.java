package org.imagetree.cli;

import org.imagetree.ImageTreeEngine;
import org.imagetree.InputError;
import org.imagetree.config.EngineConfig;
import org.imagetree.report.SafeText;
import org.imagetree.security.ScanReport;
import org.imagetree.security.SecurityUpdates;
import org.imagetree.update.TreeUpdater;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code security}: which published images have Debian packages with a newer version, and the minimal update. */
@Command(name = "security", description = "Security updates: scan published images' Debian packages, bump what needs rebuilding.",
        subcommands = {SecurityCommand.Scan.class, SecurityCommand.Update.class})
final class SecurityCommand {
    @ParentCommand ImageTreeCommand root;

    /** {@code security scan [--format json] DIRECTORY | --image REF…}. */
    @Command(name = "scan",
            description = {"Read each published image's installed packages from the registry and list those with a newer version in security_sources.",
                    "Exit 1 when an image could not be read (its row says why; the others are reported)."})
    static final class Scan implements Callable<Integer> {
        @ParentCommand SecurityCommand security;

        @Option(names = "--format", defaultValue = "text", description = "text or json") String format;
        @Option(names = "--image", paramLabel = "REFERENCE", description = "Scan this image reference (repeatable; e.g. service images).")
        List<String> images;
        @Option(names = "--fail-if-outdated", description = "Exit 1 when an image has a newer package available.")
        boolean failIfOutdated;
        @Option(names = "--stats", description = "Print time and bytes read to standard error.")
        boolean stats;
        @Parameters(paramLabel = "DIRECTORY", arity = "0..1", description = "Image definitions whose published images are scanned (or use --image).") Path directory;

        @Override
        public Integer call() {
            ImageTreeCommand root = security.root;
            if ((directory == null) == (images == null || images.isEmpty())) {
                throw new InputError("security scan: give either a DIRECTORY or --image REFERENCE…");
            }
            if (!format.equalsIgnoreCase("text") && !format.equalsIgnoreCase("json")) throw new InputError("--format: text or json, not '" + format + "'");
            EngineConfig config = root.config();
            ImageTreeEngine engine = root.connectedEngine(config, null, root.registryClient(config));
            ScanReport report = directory != null ? engine.securityScan(directory) : engine.securityScan(images);
            PrintWriter out = root.out();
            report.warnings().forEach(w -> root.err().println("warning: " + SafeText.escape(w)));
            out.print(format.equalsIgnoreCase("json") ? report.json() : report.text());
            out.flush();
            if (stats) printStats(root.err(), report);
            return report.failed() || failIfOutdated && report.updatesPending() ? 1 : 0;
        }
    }

    static void printStats(PrintWriter err, ScanReport report) {
        ScanReport.Stats s = report.stats();
        err.printf("scanned %d images in %.2f s: %d layer bytes read in %d layer reads (%d bytes per image), %d APT index bytes%n",
                report.images().size(), s.millis() / 1000.0, s.layerBytes(), s.layerReads(),
                report.images().isEmpty() ? 0 : s.layerBytes() / report.images().size(), s.indexBytes());
        for (ScanReport.ImageScan i : report.images()) err.printf("  %s:%s %d bytes%n", SafeText.escape(i.name()), SafeText.escape(i.tag()), i.bytesRead());
        err.flush();
    }

    /** {@code security update DIRECTORY}: bump the images that installed an outdated package, and their dependants. */
    @Command(name = "update",
            description = "Scan, then add a changelog entry to each image that installed an outdated package itself and to its dependants (all or nothing). It builds nothing: run the build it prints next.")
    static final class Update implements Callable<Integer> {
        @ParentCommand SecurityCommand security;

        @Parameters(paramLabel = "DIRECTORY", description = "Image definitions whose changelogs are bumped.") Path directory;

        @Override
        public Integer call() {
            ImageTreeCommand root = security.root;
            EngineConfig config = root.config();
            ImageTreeEngine engine = root.connectedEngine(config, null, root.registryClient(config));
            ImageTreeEngine.SecurityUpdate u = engine.securityUpdate(directory);
            PrintWriter out = root.out();
            u.scan().warnings().forEach(w -> root.err().println("warning: " + SafeText.escape(w)));
            for (TreeUpdater.Bump b : u.bumps()) {
                out.println("* " + b.name() + ": " + b.oldVersion() + " -> " + b.newVersion() + " (" + b.changelog() + ")");
                String reason = u.plan().reasons().get(b.name());
                if (reason != null) reason.lines().forEach(l -> out.println("    " + l));
            }
            for (SecurityUpdates.BaseRebuild b : u.plan().bases()) {
                out.println("rebuild the base image " + b.base() + " (base build, or refresh) for " + b.image() + ":");
                for (ScanReport.Outdated p : b.packages()) out.println("    " + SecurityUpdates.line(p));
            }
            if (u.bumps().isEmpty() && u.plan().bases().isEmpty()) out.println("no security updates pending");
            else if (!u.bumps().isEmpty()) out.println("now build: imagetree -c " + Shell.quote(root.configFile.toString()) + " build " + Shell.quote(directory.toString()));
            out.flush();
            return 0;
        }
    }
}
