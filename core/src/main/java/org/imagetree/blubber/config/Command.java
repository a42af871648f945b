package org.imagetree.blubber.config;

import java.util.List;

/**
 * A custom builder's {@code command}: either an argv list (first element verbatim, the rest quoted) or a
 * shell string (exactly one of the two is set).
 */
public record Command(List<String> argv, String shell) {
    public Command {
        argv = argv == null ? null : List.copyOf(argv);
        if ((argv == null) == (shell == null)) throw new IllegalArgumentException("exactly one of argv and shell");
    }

    public static Command ofArgv(List<String> argv) { return new Command(argv, null); }

    public static Command ofShell(String shell) { return new Command(null, shell); }

    public boolean isShell() { return shell != null; }

    public boolean isEmpty() { return isShell() ? shell.isEmpty() : argv.isEmpty(); }
}
