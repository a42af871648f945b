package org.imagetree.read;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.imagetree.InputError;
import org.imagetree.model.ImageDefinition;

/**
 * Finds image definitions like docker-pkg: walks a tree ({@code os.walk}, symlinked directories not followed), a
 * directory with both {@code Dockerfile.template} and {@code changelog} is an image (nested images allowed), the
 * newest changelog entry gives name and version and {@code control} (optional) the dependencies.
 * Reads run on a bounded pool; the result is independent of timing (sorted by directory).
 */
public final class ImageScanner {
    private final int threads;

    /** A scanner using {@code min(8, available processors)} threads (docker-pkg's {@code scan_workers} default is 8). */
    public ImageScanner() {
        this(Math.min(8, Runtime.getRuntime().availableProcessors()));
    }

    public ImageScanner(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1");
        this.threads = threads;
    }

    /**
     * Scans {@code root}; duplicate image names, unreadable definitions and symlinks that leave {@code root} (a
     * definition file, or anything a build would send: {@link ContextBoundary}) are {@link InputError}s, raised before
     * any definition is read.
     */
    public ScanResult scan(Path root) {
        if (!Files.isDirectory(root)) throw new InputError(root, 0, "image directory not found");
        List<Path> imageDirs = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        walk(root, imageDirs, warnings);
        ContextBoundary boundary = ContextBoundary.of(root);
        for (Path dir : imageDirs) ContextBoundary.requireNone(boundary.imageProblems(dir));
        List<ImageDefinition> images = readAll(root, imageDirs);
        checkUniqueNames(images);
        return new ScanResult(images, warnings);
    }

    /**
     * The image directories under {@code root} in scan order, without reading them (for checks that must go on
     * past a broken definition, such as lint); half definitions are added to {@code warnings}.
     */
    public static List<Path> imageDirectories(Path root, List<String> warnings) {
        if (!Files.isDirectory(root)) throw new InputError(root, 0, "image directory not found");
        List<Path> imageDirs = new ArrayList<>();
        walk(root, imageDirs, warnings);
        return imageDirs;
    }

    private static void walk(Path dir, List<Path> imageDirs, List<String> warnings) {
        boolean template = Files.isRegularFile(dir.resolve(ImageDefinition.TEMPLATE));
        boolean changelog = Files.isRegularFile(dir.resolve(ImageDefinition.CHANGELOG));
        if (template && changelog) {
            imageDirs.add(dir);
        } else if (template || changelog) {
            warnings.add(dir + ": has " + (template ? ImageDefinition.TEMPLATE : ImageDefinition.CHANGELOG)
                    + " but no " + (template ? ImageDefinition.CHANGELOG : ImageDefinition.TEMPLATE)
                    + ", not an image");
        }
        List<Path> children;
        try (Stream<Path> list = Files.list(dir)) {
            children = list.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        for (Path child : children) walk(child, imageDirs, warnings);
    }

    private List<ImageDefinition> readAll(Path root, List<Path> dirs) {
        if (dirs.isEmpty()) return List.of();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, dirs.size()), r -> {
            Thread t = new Thread(r, "imagetree-scan");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<ImageDefinition>> futures = new ArrayList<>();
            for (Path dir : dirs) futures.add(pool.submit(() -> read(root, dir)));
            List<ImageDefinition> images = new ArrayList<>();
            for (Future<ImageDefinition> f : futures) images.add(get(f)); // in directory order: first error wins
            return images;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * One image directory of the tree at {@code root}: newest changelog entry and {@code control} dependencies. The
     * caller checks the context boundary first ({@link ContextBoundary#definitionProblems}).
     */
    public static ImageDefinition read(Path root, Path dir) {
        ChangelogEntry newest = ChangelogReader.newest(dir.resolve(ImageDefinition.CHANGELOG));
        Path control = dir.resolve(ImageDefinition.CONTROL);
        List<String> depends = Files.exists(control) ? ControlFile.dependencies(control) : List.of();
        return new ImageDefinition(dir, newest.packageName(), newest.version(), depends, root);
    }

    private static ImageDefinition get(Future<ImageDefinition> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while scanning", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) throw re;
            if (cause instanceof Error err) throw err;
            throw new IllegalStateException(cause);
        }
    }

    private static void checkUniqueNames(List<ImageDefinition> images) {
        Map<String, ImageDefinition> byName = new HashMap<>();
        for (ImageDefinition image : images) {
            ImageDefinition earlier = byName.putIfAbsent(image.name(), image);
            if (earlier != null) {
                throw new InputError(image.changelog(), ChangelogReader.newest(image.changelog()).line(),
                        "duplicate image name '" + image.name() + "': also defined in " + earlier.directory());
            }
        }
    }
}
