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

    /** The command line for {@code args}: the action they name, or all of them (help, version, a mistyped action). */
    static CommandLine commandLine(String[] args, java.util.Map<String, String> env) {
        CommandLine cl = new CommandLine(new ImageTreeCommand(env));
        java.util.Optional<Class<?>> named = ImageTreeCommand.subcommandIn(args);
        if (named.isPresent()) {
            cl.addSubcommand(named.get());
        } else {
            ImageTreeCommand.SUBCOMMANDS.forEach(cl::addSubcommand);
        }
        addHelp(cl);
        return cl;
    }

    /**
     * Every command and subcommand answers {@code -h/--help} with its usage (picocli then skips the required
     * parameters check), and every command with subcommands has a {@code help [COMMAND]} subcommand.
     */
    static void addHelp(CommandLine cl) {
        CommandLine.Model.CommandSpec spec = cl.getCommandSpec();
        if (spec.optionsMap().get("--help") == null) {
            spec.addOption(CommandLine.Model.OptionSpec.builder("-h", "--help").usageHelp(true)
                    .description("Show this help message and exit.").build());
        }
        if (!cl.getSubcommands().isEmpty() && !cl.getSubcommands().containsKey("help")) {
            cl.addSubcommand(new CommandLine.HelpCommand());
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!(sub.getCommand() instanceof CommandLine.HelpCommand)) addHelp(sub);
        }
    }

    /** As {@link #run(String[], java.util.Map)} with explicit output streams. */
    public static int run(String[] args, java.util.Map<String, String> env, java.io.PrintWriter out, java.io.PrintWriter err) {
        CommandLine cl = commandLine(args, env);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl.execute(args);
    }
}
