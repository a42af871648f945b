package org.imagetree.cli;

import picocli.CommandLine;

/** Entry point of {@code imagetree}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int status = run(args, System.getenv());
        stopHttpClientSelectors();
        System.exit(status);
    }

    /**
     * Lets the process end at once. JDK 17's {@code HttpClient} keeps a selector thread blocked in {@code epoll_wait}
     * (a native call) until the client is garbage collected, and HotSpot's exit waits up to 300 ms for threads in
     * native code to block ({@code VM_Exit::wait_for_threads_in_native_to_block}): every command that had talked to
     * a registry paid 0.3 s after its work was done (bench/RESULTS.md). Interrupting a selector thread wakes its
     * {@code select} and ends its loop. Only here, when the process is about to exit with its work done: in a
     * shared JVM (Jenkins) other clients' selectors are not ours to stop. (JDK 21's {@code HttpClient.close()}
     * would do it per client.)
     */
    private static void stopHttpClientSelectors() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("HttpClient-") && t.getName().endsWith("-SelectorManager")) t.interrupt();
        }
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("HttpClient-") && t.getName().endsWith("-SelectorManager")) {
                try {
                    t.join(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Runs the command line and returns the exit status (no {@code System.exit}: tests and embedders call this). */
    public static int run(String[] args, java.util.Map<String, String> env) {
        return run(args, env, new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true));
    }

    /** As {@link #run(String[], java.util.Map)} with explicit output streams. */
    public static int run(String[] args, java.util.Map<String, String> env, java.io.PrintWriter out, java.io.PrintWriter err) {
        ImageTreeCommand root = new ImageTreeCommand(env);
        CommandLine cl = new CommandLine(root);
        java.util.Optional<Class<?>> named = ImageTreeCommand.subcommandIn(args);
        if (named.isPresent()) {
            cl.addSubcommand(named.get());
        } else {
            ImageTreeCommand.SUBCOMMANDS.forEach(cl::addSubcommand);
        }
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl.execute(args);
    }
}
