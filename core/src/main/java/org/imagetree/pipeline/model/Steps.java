package org.imagetree.pipeline.model;

import org.imagetree.pipeline.read.YamlValue;

import java.util.List;
import java.util.Optional;

/**
 * A stage's steps after {@code PipelineStage.defaultConfig}: every field is the config's value or PipelineLib's
 * default, still unevaluated ({@link YamlValue}s that may hold {@code ${…}} expressions, {@code $each} and
 * {@code $merge}); a default is reported at the line of the key that asked for it. Immutable.
 */
public final class Steps {
    private Steps() {}

    /** The step names in the order a stage runs them ({@code PipelineStage.STEPS}). */
    public static final List<String> ORDER = List.of("build", "run", "copy", "publish", "promote", "deploy", "exports", "trigger");

    /**
     * {@code build}: {@code variant} (default {@code ${.stage}}), {@code context} (default {@code .}), {@code excludes}
     * (none by default), {@code imagePullPolicy} (default {@code always}). Binds {@code imageID}, {@code imageLocalName}.
     */
    public record Build(int line, YamlValue variant, YamlValue context, Optional<YamlValue> excludes, YamlValue imagePullPolicy) {}

    /**
     * {@code run}: {@code image} (default {@code ${.imageID}}), {@code arguments} ([]), {@code env} ({}),
     * {@code credentials} ([]), {@code tail} (0). Binds {@code container}, {@code output}.
     */
    public record Run(int line, YamlValue image, YamlValue arguments, YamlValue env, YamlValue credentials, long tail) {}

    /**
     * {@code copy}: a list (or an expression giving one) of files, each a source path or {@code {from, source,
     * destination, archive}}; {@code from} defaults to {@code ${.container}}, {@code destination} to the source,
     * {@code archive} to false. Binds {@code artifactURLs}.
     */
    public record Copy(int line, YamlValue files) {}

    /**
     * {@code publish.image}: {@code id} (default {@code ${.imageID}}), {@code name} ({@code ${setup.project}}),
     * {@code tag} ({@code ${setup.timestamp}-${.stage}}), {@code tags} ({@code [${setup.tag}]}). Binds {@code imageName},
     * {@code imageFullName}, {@code imageTag}, {@code imageTags}, {@code publishedImage}.
     */
    public record Publish(int line, YamlValue id, YamlValue name, YamlValue tag, YamlValue tags) {}

    /**
     * {@code promote}: a list (or an expression giving one) of {@code {chart, environments}}; {@code chart} defaults to
     * {@code ${setup.projectShortName}}, {@code environments} to [], and the version is {@code ${.imageTag}}.
     */
    public record Promote(int line, YamlValue charts) {}

    /**
     * {@code deploy}: {@code image} (default {@code ${.imageName}}), {@code tag} ({@code ${.imageTag}}), {@code cluster}
     * ({@code ci}), {@code test} (true), {@code overrides} ({}), {@code timeout} (none: the runner's), {@code chart.name}
     * ({@code ${setup.projectShortName}}), {@code chart.version} (""). Binds {@code releaseName}.
     */
    public record Deploy(int line, YamlValue image, YamlValue tag, String cluster, boolean test, YamlValue overrides,
                         Optional<YamlValue> timeout, YamlValue chartName, YamlValue chartVersion) {}

    /** {@code notify.email}: {@code to} (a list), {@code subject} and {@code body} (PipelineLib's defaults). */
    public record Email(int line, YamlValue to, YamlValue subject, YamlValue body) {}

    /** {@code trigger}: the job's name, its parameters (values evaluated), {@code propagate} (true), {@code wait} (false). */
    public record Trigger(int line, String job, List<YamlValue.Entry> parameters, boolean propagate, boolean waitForCompletion) {}

    /** One {@code exports} entry: the name it binds (as written) and the value's expression. */
    public record Export(String name, int line, YamlValue value) {}

    /** What each step binds in its stage's namespace, in order (besides {@code stage}, bound when the stage starts). */
    public static final List<String> BUILD_BINDS = List.of("imageID", "imageLocalName");
    public static final List<String> RUN_BINDS = List.of("container", "output");
    public static final List<String> COPY_BINDS = List.of("artifactURLs");
    public static final List<String> PUBLISH_BINDS = List.of("imageName", "imageFullName", "imageTag", "imageTags", "publishedImage");
    public static final List<String> DEPLOY_BINDS = List.of("releaseName");

    /** PipelineLib's default email subject. */
    public static final String DEFAULT_SUBJECT = "[Pipeline] ${setup.projectShortName} ${setup.pipeline}/${.stage} failed";

    /** PipelineLib's default email body. */
    public static final String DEFAULT_BODY = "Pipeline ${setup.pipeline} for project ${setup.project} failed during\n"
            + "stage ${.stage}. See the log for details: ${setup.logURL}";
}
