package org.imagetree.pipeline.read;

import org.imagetree.config.StrictYaml;
import org.imagetree.read.ContextBoundary;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The read stage of a service pipeline: {@code .pipeline/config.yaml} as YAML values, checked against PipelineLib's
 * v0 schema. Every schema problem is reported at once ({@link PipelineConfigException}); keys PipelineLib ignores
 * come back as warnings. Stateless.
 */
public final class PipelineConfigReader {
    /** Where PipelineLib's jobs read the config, relative to the repository root. */
    public static final String DEFAULT_PATH = ".pipeline/config.yaml";

    /** A config that passed the schema: its display name, its root value and the warnings. */
    public record ConfigDocument(String file, YamlValue.Mapping root, List<ConfigProblem> warnings) {
        public ConfigDocument {
            warnings = List.copyOf(warnings);
        }
    }

    private PipelineConfigReader() {}

    /**
     * Reads {@code configPath} (relative to {@code repository}; it may not lead out of it, a symlink included).
     *
     * @throws PipelineConfigException every problem, each at its line
     */
    public static ConfigDocument read(Path repository, String configPath) {
        Path root = repository.toAbsolutePath().normalize();
        Path file = root.resolve(configPath).normalize();
        String name = configPath;
        if (!Files.isDirectory(root)) throw new PipelineConfigException(name, List.of(new ConfigProblem(0, "the repository directory " + repository + " does not exist")));
        Optional<org.imagetree.InputError> outside = file.startsWith(root) ? ContextBoundary.of(root).problem(file)
                : Optional.of(new org.imagetree.InputError(name));
        if (outside.isPresent()) throw new PipelineConfigException(name, List.of(new ConfigProblem(0, "is outside the repository " + repository)));
        try {
            Optional<StrictYaml.Problem> tooBig = StrictYaml.checkSize(file);
            if (tooBig.isPresent()) throw new PipelineConfigException(name, List.of(new ConfigProblem(0, tooBig.get().message())));
            String text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
            return parse(name, text);
        } catch (NoSuchFileException e) {
            throw new PipelineConfigException(name, List.of(new ConfigProblem(0, "no such file in " + repository)));
        } catch (CharacterCodingException e) {
            throw new PipelineConfigException(name, List.of(new ConfigProblem(0, "is not UTF-8 text")));
        } catch (IOException e) {
            throw new PipelineConfigException(name, List.of(new ConfigProblem(0, "cannot read: " + e.getMessage())));
        }
    }

    /** Parses and checks {@code text}, reported as {@code file}. */
    public static ConfigDocument parse(String file, String text) {
        YamlValue root = PipelineYaml.parse(file, text);
        PipelineSchema.Problems p = PipelineSchema.check(root);
        if (!p.errors.isEmpty()) throw new PipelineConfigException(file, p.errors);
        return new ConfigDocument(file, (YamlValue.Mapping) root, p.warnings);
    }
}
