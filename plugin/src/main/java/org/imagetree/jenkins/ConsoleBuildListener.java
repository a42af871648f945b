package org.imagetree.jenkins;

import org.imagetree.execute.BuildListener;
import org.imagetree.report.ImageResult;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * The engine's progress, streamed to the build console on the agent (the console stream of a remote
 * {@code TaskListener} forwards to the controller). Masks secrets. Called from several threads.
 */
final class ConsoleBuildListener implements BuildListener {
    private final PrintStream console;
    private final SecretMasker masker;

    ConsoleBuildListener(PrintStream console, SecretMasker masker) {
        this.console = console;
        this.masker = masker;
    }

    /** The text with every secret masked (for messages that go to the console another way, e.g. an abort). */
    String mask(String text) { return masker.mask(text); }

    synchronized void println(String line) {
        console.println(masker.mask(line));
    }

    @Override
    public void step(String message) { println("[imagetree] " + message); }

    @Override
    public void imageStarted(String name, String what) { println("[imagetree] " + name + ": " + what); }

    @Override
    public void log(String name, String line) { println("[" + name + "] " + line); }

    @Override
    public void imageFinished(ImageResult r) {
        Duration d = r.duration() == null ? Duration.ZERO : r.duration();
        println(String.format(Locale.ROOT, "[imagetree] %s:%s %s in %ds%s", r.name(), r.tag(), r.outcome().label(), d.toSeconds(),
                r.reason() == null || r.reason().isEmpty() ? "" : " (" + r.reason() + ")"));
    }
}
