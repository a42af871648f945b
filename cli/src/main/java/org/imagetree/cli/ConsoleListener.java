package org.imagetree.cli;

import org.imagetree.execute.BuildListener;
import org.imagetree.report.ImageResult;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Progress for people. Step and per-image lines always; build output to standard output with
 * {@code --info}/{@code --debug}. The log file gets the build output of every run, verbose or not, written anew by each
 * run (docker-pkg appends to its log, and leaves it untouched with {@code --info}, so an old run's output passed for the
 * last one's) and without terminal escape sequences (colours, cursor moves), which a file only garbles. On a terminal
 * each finished image carries a {@code [done/total]} counter.
 */
final class ConsoleListener implements BuildListener, AutoCloseable {
    private final PrintWriter out;
    private final boolean verbose;
    private final boolean terminal;
    private final BufferedWriter logFile;
    private final AtomicInteger finished = new AtomicInteger();
    private volatile int total;

    ConsoleListener(PrintWriter out, boolean verbose, boolean terminal, Path logFile) {
        this.out = out;
        this.verbose = verbose;
        this.terminal = terminal;
        BufferedWriter w = null;
        if (logFile != null) {
            try {
                w = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            } catch (IOException e) {
                // With --info the output is on standard output anyway; otherwise say where it did not go.
                if (!verbose) out.println("warning: cannot write " + logFile + ": " + e.getMessage());
            }
        }
        this.logFile = w;
    }

    void total(int n) { this.total = n; }

    @Override
    public synchronized void step(String message) {
        out.println("== " + message + " ==");
        out.flush();
    }

    @Override
    public synchronized void imageStarted(String name, String what) {
        out.println("* " + what + " " + name);
        out.flush();
    }

    /** Terminal escape sequences: CSI ({@code ESC [ ... final}), OSC ({@code ESC ] ... BEL|ST}) and the others ({@code ESC (B}, {@code ESC =}). */
    private static final java.util.regex.Pattern ESCAPES = java.util.regex.Pattern.compile(
            "\u001B\\[[0-?]*[ -/]*[@-~]|\u001B\\][^\u0007\u001B]*(?:\u0007|\u001B\\\\)|\u001B[ -/]*[0-~]|\u009B[0-?]*[ -/]*[@-~]");

    /** {@code line} without terminal escape sequences, as the log file gets it. */
    static String plain(String line) {
        return line.indexOf('\u001B') < 0 && line.indexOf('\u009B') < 0 ? line : ESCAPES.matcher(line).replaceAll("");
    }

    @Override
    public synchronized void log(String name, String line) {
        if (verbose) {
            out.println("  [" + name + "] " + line);
            out.flush();
        }
        if (logFile != null) {
            try {
                logFile.write(name + ": " + plain(line));
                logFile.newLine();
            } catch (IOException ignored) {
                // the console still has the summary
            }
        }
    }

    @Override
    public synchronized void imageFinished(ImageResult r) {
        String counter = terminal && total > 0 ? "[" + finished.incrementAndGet() + "/" + total + "] " : "";
        String mark = r.outcome().isFailure() ? " ERROR: " : " ";
        out.println(counter + "*" + mark + r.name() + ":" + r.tag() + " " + outcomeText(r));
        out.flush();
    }

    /** The outcome and its reason, the outcome said once ({@code published (no test.sh, verification skipped)}). */
    static String outcomeText(ImageResult r) {
        String label = r.outcome().label();
        String reason = r.reason();
        if (reason == null || reason.isEmpty() || reason.equals(label)) return label;
        if (reason.startsWith(label + " (") && reason.endsWith(")")) return reason;
        return label + " (" + reason + ")";
    }

    @Override
    public synchronized void close() {
        if (logFile != null) {
            try {
                logFile.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
