package org.imagetree.cli;

import picocli.CommandLine;

/** Entry point of {@code imagetree}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.getenv()));
    }

    /** Runs the command line and returns the exit status (no {@code System.exit}: tests and embedders call this). */
    public static int run(String[] args, java.util.Map<String, String> env) {
        return run(args, env, new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true));
    }

    /** As {@link #run(String[], java.util.Map)} with explicit output streams. */
    public static int run(String[] args, java.util.Map<String, String> env, java.io.PrintWriter out, java.io.PrintWriter err) {
        ImageTreeCommand root = new ImageTreeCommand(env);
        CommandLine cl = new CommandLine(root);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl.execute(args);
    }
}
