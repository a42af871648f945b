package org.imagetree.pipeline;

import org.imagetree.pipeline.expr.ExecutionContext;
import org.imagetree.pipeline.expr.Interpolator;
import org.imagetree.pipeline.expr.Unresolved;
import org.imagetree.pipeline.model.Pipeline;
import org.imagetree.pipeline.model.PipelineModeler;
import org.imagetree.pipeline.model.Stage;
import org.imagetree.pipeline.model.Steps;
import org.imagetree.pipeline.plan.SetupBindings;
import org.imagetree.pipeline.plan.StepValues;
import org.imagetree.pipeline.read.PipelineConfigException;
import org.imagetree.pipeline.read.YamlValue;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * PipelineLib's {@code PipelineStageTest.groovy} (b23da56), case by case: {@code defaultConfig}'s defaults, and what
 * each step evaluates before it calls the runner (PipelineLib mocks its runner; here the evaluated values are what
 * the engine is given). {@code getReviewers} (Gerrit's REST API) belongs to the Jenkins step.
 */
class PipelineStageTest {
    private static Pipeline pipeline(String stagesYaml) {
        return Configs.model("pipelines:\n  foo:\n    stages:\n" + stagesYaml.indent(6)).pipelines().get(0);
    }

    private static Stage only(String stageYaml) { return pipeline(stageYaml).stages().get(0); }

    private static Object java(YamlValue v) { return v.toJava(); }

    // defaultConfig

    @Test
    void shorthandBuildsAndRunsTheVariantNamedAfterTheStage() {
        Stage s = only("- name: foo");
        Steps.Build b = s.build().orElseThrow();
        assertThat(List.of(java(b.variant()), java(b.context()), java(b.imagePullPolicy()))).containsExactly("${.stage}", ".", "always");
        assertThat(b.excludes()).isEmpty();
        Steps.Run r = s.run().orElseThrow();
        assertThat(java(r.image())).isEqualTo("${.imageID}");
        assertThat(java(r.arguments())).isEqualTo(List.of());
        assertThat(java(r.env())).isEqualTo(Map.of());
        assertThat(java(r.credentials())).isEqualTo(List.of());
        assertThat(r.tail()).isZero();
        assertThat(s.actions()).containsExactly("build", "run");
    }

    @Test
    void buildDefaults() {
        Steps.Build b = only("- {name: foo, build: {context: .}}").build().orElseThrow();
        assertThat(List.of(java(b.variant()), java(b.context()), java(b.imagePullPolicy()))).containsExactly("${.stage}", ".", "always");
        b = only("- {name: foo, build: {variant: bar}}").build().orElseThrow();
        assertThat(List.of(java(b.variant()), java(b.context()), java(b.imagePullPolicy()))).containsExactly("bar", ".", "always");
        b = only("- {name: foo, build: {variant: bar, imagePullPolicy: never}}").build().orElseThrow();
        assertThat(java(b.imagePullPolicy())).isEqualTo("never");
        b = only("- {name: foo, build: bar}").build().orElseThrow();
        assertThat(java(b.variant())).isEqualTo("bar");
    }

    @Test
    void runTrueRunsTheBuiltImage() {
        Stage s = only("- {name: foo, build: bar, run: true}");
        assertThat(java(s.build().orElseThrow().variant())).isEqualTo("bar");
        assertThat(java(s.run().orElseThrow().image())).isEqualTo("${.imageID}");
        assertThat(only("- {name: foo, build: bar, run: false}").run()).isEmpty();
        assertThat(only("- {name: foo, build: bar, run: false}").actions()).containsExactly("build", "run");
    }

    @Test
    void copyDefaults() {
        Stage s = only("""
                - name: foo
                  copy:
                    - foo/source
                    - {from: bar-container, source: bar/source, archive: true}
                """);
        ExecutionContext ctx = new ExecutionContext(SetupBindings.fullGraph(pipeline("- name: foo")));
        ExecutionContext.NodeContext node = ctx.ofNode("foo");
        node.bind("container", new Unresolved.Unknown("foo.container"));
        List<StepValues.CopyItem> items = StepValues.copy(s.copy().orElseThrow(), (path, v) -> Interpolator.plan(path, v, node).value());
        assertThat(items).containsExactly(
                new StepValues.CopyItem(new Unresolved.Template("${.container}"), "foo/source", "foo/source", false),
                new StepValues.CopyItem("bar-container", "bar/source", "bar/source", true));
    }

    @Test
    void publishImageDefaults() {
        Steps.Publish p = only("- {name: foo, publish: {image: true}}").publish().orElseThrow();
        assertThat(java(p.id())).isEqualTo("${.imageID}");
        assertThat(java(p.name())).isEqualTo("${setup.project}");
        assertThat(java(p.tag())).isEqualTo("${setup.timestamp}-${.stage}");
        assertThat(java(p.tags())).isEqualTo(List.of("${setup.tag}"));
        assertThat(only("- {name: foo, publish: {image: false}}").publish()).isEmpty();
    }

    @Test
    void promoteDefaultsAndTheBooleanFormTheSchemaRefuses() {
        Stage s = only("- {name: foo, publish: {image: true}, promote: [{}]}");
        Stubs stubs = new Stubs("- {name: foo, publish: {image: true}, promote: [{}]}");
        stubs.bind("setup", c -> c.bind("projectShortName", "foo-short"));
        stubs.bind("foo", c -> c.bind("imageTag", "0000-00-00-000000-foo"));
        assertThat(StepValues.promote(s.promote().orElseThrow(), stubs.evaluator("foo")))
                .containsExactly(new StepValues.PromoteItem("foo-short", List.of(), "0000-00-00-000000-foo"));
        // PipelineStage.defaultConfig turns promote: true into one such item, but the v0 schema refuses the boolean.
        assertThatThrownBy(() -> only("- {name: foo, promote: true}")).isInstanceOf(PipelineConfigException.class)
                .hasMessageContaining("promote: expected a merge expression ($merge/$with), a list comprehension ($each/$in/$yield) or a list, got a boolean");
    }

    @Test
    void deployDefaults() {
        Steps.Deploy d = only("- {name: foo, deploy: {chart: {}}}").deploy().orElseThrow();
        assertThat(List.of(java(d.chartName()), java(d.chartVersion()), java(d.image()), java(d.tag())))
                .containsExactly("${setup.projectShortName}", "", "${.imageName}", "${.imageTag}");
        assertThat(d.cluster()).isEqualTo("ci");
        assertThat(d.test()).isTrue();
        assertThat(java(d.overrides())).isEqualTo(Map.of());
        assertThat(d.timeout()).isEmpty();
        d = only("- {name: foo, deploy: {image: fooimage, tag: footag, cluster: ci, test: true, chart: {}, overrides: {foo: {bar: x}, baz: y}}}").deploy().orElseThrow();
        assertThat(List.of(java(d.image()), java(d.tag()))).containsExactly("fooimage", "footag");
        assertThat(java(d.overrides())).isEqualTo(Map.of("foo", Map.of("bar", "x"), "baz", "y"));
        // PipelineLib's test uses cluster: foocluster; the schema allows only 'ci'.
        assertThatThrownBy(() -> only("- {name: foo, deploy: {chart: {}, cluster: foocluster}}"))
                .hasMessageContaining("deploy.cluster: must be 'ci' (the only value the schema allows)");
    }

    @Test
    void notifyEmailToIsAList() {
        Pipeline p = pipeline("- {name: foo, notify: {email: {to: foo@an.example}}}");
        Steps.Email e = StepValues.email(p, p.stages().get(0)).orElseThrow();
        assertThat(java(e.to())).isEqualTo(List.of("foo@an.example"));
        assertThat(java(e.subject())).isEqualTo(Steps.DEFAULT_SUBJECT);
    }

    // The steps, with stubbed contexts (PipelineStageTest.stubStageContexts)

    /** A pipeline's context with values bound as a test says. */
    static final class Stubs {
        final Pipeline pipeline;
        final ExecutionContext ctx;

        Stubs(String stagesYaml) {
            pipeline = pipeline(stagesYaml);
            ctx = new ExecutionContext(SetupBindings.fullGraph(pipeline));
            for (String n : ctx.graph().nodes()) ctx.ofNode(n).bind("stage", n);
        }

        void bind(String node, Consumer<ExecutionContext.NodeContext> c) { c.accept(ctx.ofNode(node)); }

        StepValues.Evaluator evaluator(String node) {
            return (path, v) -> Interpolator.run(path, v, ctx.ofNode(node));
        }

        Stage stage(String name) { return pipeline.stage(name).orElseThrow(); }
    }

    @Test
    void build() {
        Stubs s = new Stubs("""
                - name: foo
                  blubberfile: {version: v4, base: '${.stage}', variants: {foo: {}}}
                  build: {variant: '${.stage}variant', context: '${.stage}/dir', excludes: [.git, '${.stage}/docs/*']}
                """);
        s.bind("setup", c -> c.bind("imageLabels", Map.of("foo", "foolabel", "bar", "barlabel")));
        StepValues.BuildValues v = StepValues.build(s.pipeline, s.stage("foo"), s.stage("foo").build().orElseThrow(), s.evaluator("foo"));
        assertThat(v.blubberfile()).isEqualTo(Map.of("version", "v4", "base", "foo", "variants", Map.of("foo", Map.of())));
        assertThat(v.variant()).isEqualTo("foovariant");
        assertThat(v.context()).isEqualTo("foo/dir");
        assertThat(v.excludes()).isEqualTo(List.of(".git", "foo/docs/*"));
        assertThat(v.imagePullPolicy()).isEqualTo("always");
    }

    @Test
    void copy() {
        Stubs s = new Stubs("- {name: save-stuff, copy: [{from: '${.container}', source: foo/artifact, destination: foo/dest, archive: true}]}");
        s.bind("save-stuff", c -> c.bind("container", "foo-container"));
        assertThat(StepValues.copy(s.stage("save-stuff").copy().orElseThrow(), s.evaluator("save-stuff")))
                .containsExactly(new StepValues.CopyItem("foo-container", "foo/artifact", "foo/dest", true));
    }

    private static final String FOO_PUBLISHED = """
            - {name: foo, build: foovariant, publish: {image: true}}
            """;

    private static void publishedFoo(Stubs s) {
        s.bind("foo", c -> {
            c.bind("imageID", "foo-image-id");
            c.bind("imageName", "foo-project");
            c.bind("imageFullName", "registry.example/bar/foo-project");
            c.bind("imageTag", "0000-00-00-000000-foo");
            c.bind("imageTags", List.of("0000-00-00-000000-foo"));
            c.bind("publishedImage", "registry.example/bar/foo-project:0000-00-00-000000-foo");
        });
    }

    @Test
    void deployWithTest() {
        Stubs s = new Stubs(FOO_PUBLISHED + """
                - name: bar
                  deploy:
                    image: '${foo.imageName}'
                    chart: {name: foo}
                    tag: '${.stage}-tag'
                    test: true
                    overrides: {foo: {bar: 'x${foo.imageID}y', baz: otherthing}}
                    timeout: 120
                """);
        publishedFoo(s);
        StepValues.DeployValues v = StepValues.deploy(s.stage("bar").deploy().orElseThrow(), Configs.SETTINGS, s.evaluator("bar"));
        assertThat(List.of(v.chart(), v.chartVersion(), v.image(), v.tag())).containsExactly("foo", "", "foo-project", "bar-tag");
        assertThat(v.overrides()).isEqualTo(Map.of("foo", Map.of("bar", "xfoo-image-idy", "baz", "otherthing")));
        assertThat(v.timeout()).isEqualTo(120L);
        assertThat(v.test()).isTrue();
        // PipelineRunner.deployWithChart's values: the registry's, then the overrides merged in.
        assertThat(v.values()).isEqualTo(Map.of("docker", Map.of("registry", "registry.example", "pull_policy", "IfNotPresent"),
                "main_app", Map.of("image", "bar/foo-project", "version", "bar-tag"),
                "foo", Map.of("bar", "xfoo-image-idy", "baz", "otherthing")));
    }

    @Test
    void deployWithoutTest() {
        Stubs s = new Stubs(FOO_PUBLISHED + """
                - name: bar
                  deploy: {image: '${foo.imageName}', chart: {name: foo}, tag: '${.stage}-tag', test: false}
                """);
        publishedFoo(s);
        StepValues.DeployValues v = StepValues.deploy(s.stage("bar").deploy().orElseThrow(), Configs.SETTINGS, s.evaluator("bar"));
        assertThat(List.of(v.chart(), v.chartVersion(), v.image(), v.tag())).containsExactly("foo", "", "foo-project", "bar-tag");
        assertThat(v.overrides()).isEqualTo(Map.of());
        assertThat(v.timeout()).isNull();
        assertThat(v.test()).isFalse();
    }

    @Test
    void exports() {
        Stubs s = new Stubs("- {name: foo, build: foovariant, exports: {thing: '${.imageID}-${setup.timestamp}'}}");
        s.bind("setup", c -> c.bind("timestamp", "0000-00-00-000000"));
        s.bind("foo", c -> c.bind("imageID", "foo-image-id"));
        Steps.Export x = s.stage("foo").exports().get(0);
        assertThat(s.evaluator("foo").eval("exports.thing", x.value())).isEqualTo("foo-image-id-0000-00-00-000000");
    }

    @Test
    void publish() {
        Stubs s = new Stubs("""
                - {name: built, build: foovariant}
                - {name: published, publish: {image: {id: '${built.imageID}'}}}
                """);
        s.bind("setup", c -> {
            c.bind("project", "foo-project");
            c.bind("timestamp", "0000-00-00-000000");
            c.bind("tag", "");
        });
        s.bind("built", c -> c.bind("imageID", "foo-image-id"));
        StepValues.PublishValues v = StepValues.publish(s.stage("published").publish().orElseThrow(), Configs.SETTINGS, s.evaluator("published"));
        assertThat(v.id()).isEqualTo("foo-image-id");
        assertThat(v.imageName()).isEqualTo("foo-project");
        assertThat(v.imageTags()).containsExactly("0000-00-00-000000-published");
        assertThat(v.references()).containsExactly("registry.example/bar/foo-project:0000-00-00-000000-published");
        assertThat(v.imageFullName()).isEqualTo("registry.example/bar/foo-project");
        assertThat(v.publishedImage()).isEqualTo("registry.example/bar/foo-project:0000-00-00-000000-published");
        assertThat(StepValues.nameProblem("foo-project", Configs.FACTS)).isEmpty();
        assertThat(StepValues.nameProblem("some-other-repo-name", Configs.FACTS)).hasValue("the published image name "
                + "(`some-other-repo-name`) must either match or be prefixed by the full or short project name (`foo-project`)");
    }

    @Test
    void promote() {
        Stubs s = new Stubs("""
                - {name: built, build: foovariant}
                - {name: published, publish: {image: {id: '${built.imageID}'}}}
                - {name: promoted, publish: {image: {id: '${built.imageID}'}}, promote: [{chart: foochart}, {chart: foochart2, environments: [staging]}]}
                """);
        s.bind("promoted", c -> c.bind("imageTag", "0000-00-00-000000-promoted"));
        assertThat(StepValues.promote(s.stage("promoted").promote().orElseThrow(), s.evaluator("promoted"))).containsExactly(
                new StepValues.PromoteItem("foochart", List.of(), "0000-00-00-000000-promoted"),
                new StepValues.PromoteItem("foochart2", List.of("staging"), "0000-00-00-000000-promoted"));
    }

    @Test
    void run() {
        Stubs s = new Stubs("""
                - {name: foo, build: foovariant}
                - name: bar
                  run:
                    image: '${foo.imageID}'
                    arguments: ['${.stage}arg']
                    credentials: [{id: foo, name: bar}]
                    env: {foo: bar}
                    tail: 10
                """);
        s.bind("foo", c -> c.bind("imageID", "foo-image-id"));
        StepValues.RunValues v = StepValues.run(s.stage("bar").run().orElseThrow(), s.evaluator("bar"));
        assertThat(v.image()).isEqualTo("foo-image-id");
        assertThat(v.arguments()).isEqualTo(List.of("bararg"));
        assertThat(v.env()).isEqualTo(Map.of("foo", "bar"));
        assertThat(v.credentials()).isEqualTo(List.of(Map.of("id", "foo", "name", "bar")));
        assertThat(v.tail()).isEqualTo(10);
    }
}
