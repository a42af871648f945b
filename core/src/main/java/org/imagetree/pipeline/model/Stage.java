package org.imagetree.pipeline.model;

import org.imagetree.pipeline.read.YamlValue;

import java.util.List;
import java.util.Optional;

/**
 * A stage after PipelineLib's defaults. {@code actions} are the keys of the defaulted config besides {@code name}
 * (what {@code allowedActions} is checked against: a stage of only a name builds and runs, so it has {@code build} and
 * {@code run}; {@code run: false} still names {@code run}). {@code source} is the stage as written.
 */
public record Stage(String name, int line, YamlValue.Mapping source, List<String> actions, Optional<YamlValue> blubberfile,
                    Optional<Steps.Build> build, Optional<Steps.Run> run, Optional<Steps.Copy> copy,
                    Optional<Steps.Publish> publish, Optional<Steps.Promote> promote, Optional<Steps.Deploy> deploy,
                    List<Steps.Export> exports, Optional<Steps.Trigger> trigger, Optional<YamlValue.Mapping> notification) {
    public Stage {
        actions = List.copyOf(actions);
        exports = List.copyOf(exports);
    }

    /** Whether the stage has any step that runs (PipelineLib runs each step whose config is truthy). */
    public boolean hasSteps() {
        return build.isPresent() || run.isPresent() || copy.isPresent() || publish.isPresent() || promote.isPresent()
                || deploy.isPresent() || !exports.isEmpty() || trigger.isPresent();
    }
}
