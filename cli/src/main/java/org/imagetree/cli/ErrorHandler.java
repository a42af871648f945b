package org.imagetree.cli;

import org.imagetree.InputError;
import org.imagetree.blubber.config.BlubberError;
import org.imagetree.execute.DockerCli;
import org.imagetree.execute.EngineException;
import org.imagetree.report.SafeText;
import picocli.CommandLine;

/**
 * User errors print one line (file:line: problem) and exit 2 (Blubber config and policy errors exit with Blubber's
 * codes); engine failures (daemon, build step, push) print their message and exit 1; anything else is a bug and
 * shows its stack.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    static final int INPUT_ERROR = 2;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        // Messages may carry text from images, registries and pod lists: control characters are escaped.
        if (ex instanceof BlubberError e) {
            // One "error: file:line: problem" line per problem (a validation error lists every failing field).
            SafeText.escapeLines(e.getMessage()).lines().forEach(l -> cl.getErr().println("error: " + l));
            return e.exitCode();
        }
        if (ex instanceof InputError e) {
            cl.getErr().println("error: " + SafeText.escapeLines(e.getMessage()));
            return INPUT_ERROR;
        }
        if (ex instanceof EngineException || ex instanceof DockerCli.DockerException
                || ex instanceof org.imagetree.registry.RegistryException
                || ex instanceof org.imagetree.security.SecurityScanException) {
            cl.getErr().println("error: " + SafeText.escapeLines(ex.getMessage()));
            return 1;
        }
        if (ex instanceof InterruptedException) {
            cl.getErr().println("interrupted");
            return 130;
        }
        cl.getErr().println("internal error: " + SafeText.escapeLines(String.valueOf(ex)));
        ex.printStackTrace(cl.getErr());
        return 70;
    }
}
