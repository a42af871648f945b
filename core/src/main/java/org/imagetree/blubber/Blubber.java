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

    /** The directory PipelineLib keeps a repository's pipeline files in ({@code .pipeline/blubber.yaml}). */
    public static final String PIPELINE_DIRECTORY = ".pipeline";

    /**
     * The build context when none is given: the config file's directory, or the repository when the file is in its
     * {@code .pipeline} directory, as PipelineLib builds {@code .pipeline/blubber.yaml} with the repository as context
     * (so the project is named after the repository, not {@code .pipeline}).
     */
    public static Path defaultContext(Path file) {
        Path dir = file.toAbsolutePath().normalize().getParent();
        if (dir != null && dir.getFileName() != null && PIPELINE_DIRECTORY.equals(dir.getFileName().toString()) && dir.getParent() != null) {
            return dir.getParent();
        }
        return dir;
    }

    /** Blubber's exit code for an error from this package (1 for anything else). */
    public static int exitCode(Throwable error) {
        return error instanceof BlubberError b ? b.exitCode() : 1;
    }
}
