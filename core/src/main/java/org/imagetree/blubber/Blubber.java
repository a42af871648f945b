package org.imagetree.blubber;

import org.imagetree.blubber.compile.BlubberCompiler;
import org.imagetree.blubber.compile.CompileOptions;
import org.imagetree.blubber.compile.CompiledDockerfile;
import org.imagetree.blubber.config.BlubberError;
import org.imagetree.blubber.config.ConfigDecoder;
import org.imagetree.blubber.config.Policy;

import java.nio.file.Path;

/**
 * The entry point the CLI wraps for {@code imagetree blubber compile [-p POLICY] FILE VARIANT}: read, validate,
 * expand, check the policy, compile. Errors are {@link BlubberError}s carrying Blubber's exit codes
 * (2 read, 3 expansion, 4 validation, 5 policy load, 6 policy violation).
 */
public final class Blubber {
    private Blubber() {}

    /** @param policyFile may be null */
    public static CompiledDockerfile compile(Path file, String variant, Path policyFile, CompileOptions options) {
        Policy policy = policyFile == null ? null : Policy.read(policyFile);
        // The default context is the file's directory: a blubber.yaml linked from outside it is not read.
        org.imagetree.read.ContextBoundary.of(file.toAbsolutePath().getParent()).requireInside(file);
        return BlubberCompiler.compile(ConfigDecoder.readAndValidate(file), variant, policy, options);
    }

    /** Blubber's exit code for an error from this package (1 for anything else). */
    public static int exitCode(Throwable error) {
        return error instanceof BlubberError b ? b.exitCode() : 1;
    }
}
