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
 * {@code --info}/{@code --debug}, otherwise to a log file as docker-pkg does. On a terminal each finished image
 * carries a {@code [done/total]} counter.
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
        if (!verbose && logFile != null) {
            try {
                w = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                out.println("warning: cannot write " + logFile + ": " + e.getMessage());
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

    @Override
    public synchronized void log(String name, String line) {
        if (verbose) {
            out.println("  [" + name + "] " + line);
            out.flush();
        } else if (logFile != null) {
            try {
                logFile.write(name + ": " + line);
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
        out.println(counter + "*" + mark + r.name() + ":" + r.tag() + " " + r.outcome().label()
                + (r.reason() == null ? "" : " (" + r.reason() + ")"));
        out.flush();
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
