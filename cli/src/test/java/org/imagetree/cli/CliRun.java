package org.imagetree.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;

/** One in-process run of the command line, with what it printed. */
record CliRun(int exitCode, String out, String err) {
    static CliRun of(Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(extraEnv);
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = Main.run(args, env, new PrintWriter(o, true), new PrintWriter(e, true));
        return new CliRun(code, o.toString(), e.toString());
    }

    static CliRun of(String... args) { return of(Map.of(), args); }

    String all() { return out + err; }
}
