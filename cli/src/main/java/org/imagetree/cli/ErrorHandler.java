package org.imagetree.cli;

import org.imagetree.InputError;
import picocli.CommandLine;

/** User errors print one line (file:line: problem) and exit 2; anything else is a bug and shows its stack. */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    static final int INPUT_ERROR = 2;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        if (ex instanceof InputError e) {
            cl.getErr().println("error: " + e.getMessage());
            return INPUT_ERROR;
        }
        if (ex instanceof InterruptedException) {
            cl.getErr().println("interrupted");
            return 130;
        }
        cl.getErr().println("internal error: " + ex);
        ex.printStackTrace(cl.getErr());
        return 70;
    }
}
