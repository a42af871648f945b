package org.imagetree.pipeline.read;

import org.imagetree.InputError;

import java.util.List;

/**
 * A pipeline config that cannot be run, with every problem found: each a line {@code file:line: problem}, in line
 * order for the config's own problems. The message holds them all, one per line, so that a caller printing
 * {@code "error: " + line} per line reports each at its line. Never carries a secret: problems quote the config and
 * the Blubber files, which hold none.
 */
public final class PipelineConfigException extends InputError {
    private static final long serialVersionUID = 1L;
    private final List<ConfigProblem> problems;
    private final List<String> lines;

    /** The problems of {@code file}. */
    public PipelineConfigException(String file, List<ConfigProblem> problems) {
        this(file, problems.stream().sorted().distinct().toList(),
                problems.stream().sorted().distinct().map(p -> p.format(file)).toList());
    }

    private PipelineConfigException(String file, List<ConfigProblem> problems, List<String> lines) {
        super(file, problems.isEmpty() ? 0 : problems.get(0).line(), lines.isEmpty() ? "invalid" : lines.get(0), null);
        if (lines.isEmpty()) throw new IllegalArgumentException("no problems");
        this.problems = problems;
        this.lines = lines;
    }

    /** Problems in several files, each already {@code file:line: problem} (a run's checks before it starts). */
    public static PipelineConfigException of(List<String> lines) {
        return new PipelineConfigException(null, List.of(), List.copyOf(lines));
    }

    /** The problems of the config itself, each once, by line (empty for {@link #of}). */
    public List<ConfigProblem> problems() { return problems; }

    /** Each problem as {@code file:line: problem}. */
    public List<String> lines() { return lines; }

    @Override
    public String getMessage() { return String.join("\n", lines); }
}
