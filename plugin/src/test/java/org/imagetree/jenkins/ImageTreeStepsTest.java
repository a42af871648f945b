package org.imagetree.jenkins;

import hudson.model.Result;
import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryEndpoint;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.jenkinsci.plugins.workflow.steps.StepConfigTester;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.BuildWatcherExtension;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The steps inside a real Jenkins (JenkinsRule): Snippet Generator round trips and Pipelines on the built-in node.
 * Runs only where the Jenkins repository is reachable (plugin/pom.xml); the offline build runs the same step
 * code against the engine, Docker and a registry in plugin-offline.
 */
@WithJenkins
class ImageTreeStepsTest {
    @RegisterExtension
    static final BuildWatcherExtension BUILD_WATCHER = new BuildWatcherExtension();

    private JenkinsRule r;

    @BeforeEach
    void setUp(JenkinsRule rule) {
        r = rule;
    }

    @Test
    void buildStepConfigRoundTrip() throws Exception {
        BuildImageTreeStep step = new BuildImageTreeStep();
        step.setDirectory("images");
        step.setConfig("config.yaml");
        step.setSelect("*python3:*");
        step.setNightly(true);
        step.setJobs(3);
        step.setRegistry(new DockerRegistryEndpoint("https://registry.example.org", "registry-creds"));
        step.setUnstableOnFailure(true);
        BuildImageTreeStep back = new StepConfigTester(r).configRoundTrip(step);
        r.assertEqualDataBoundBeans(step, back);
    }

    @Test
    void otherStepsConfigRoundTrip() throws Exception {
        UpdateImageTreeStep update = new UpdateImageTreeStep("python3");
        update.setReason("Security update for openssl");
        update.setDirectory("images");
        r.assertEqualDataBoundBeans(update, new StepConfigTester(r).configRoundTrip(update));

        LintImageTreeStep lint = new LintImageTreeStep();
        lint.setDirectory("images");
        lint.setAgainst("origin/main");
        r.assertEqualDataBoundBeans(lint, new StepConfigTester(r).configRoundTrip(lint));

        ImageTreePlanStep plan = new ImageTreePlanStep();
        plan.setDirectory("images");
        plan.setSelect("*web:*");
        r.assertEqualDataBoundBeans(plan, new StepConfigTester(r).configRoundTrip(plan));

        // distros (and refreshImageTree's directories) are lists, Pipeline-only: not in the forms.
        BuildBaseImagesStep bases = new BuildBaseImagesStep();
        bases.setConfig("config.yaml");
        bases.setPublish(true);
        bases.setMirror("http://mirror.example.org/debian");
        bases.setTimestamp("2026-01-01T00:00:00Z");
        bases.setAptSource("base/{distro}.sources.list");
        bases.setRegistry(new DockerRegistryEndpoint("https://registry.example.org", "registry-creds"));
        bases.setUnstableOnFailure(true);
        r.assertEqualDataBoundBeans(bases, new StepConfigTester(r).configRoundTrip(bases));
    }

    private static final String TREE = String.join("\n",
            "writeFile file: 'config.yaml', text: 'registry: registry.example.org\\n'",
            "writeFile file: 'images/base/Dockerfile.template', text: 'FROM registry.example.org/bookworm:latest\\n'",
            "writeFile file: 'images/base/changelog', text: 'base (1.0) wikimedia; urgency=medium\\n\\n  * New.\\n\\n -- T <t@example.org>  Mon, 02 Nov 2026 10:00:00 +0000\\n'",
            "writeFile file: 'images/app/Dockerfile.template', text: 'FROM docker.io/library/debian:bookworm\\n'",
            "writeFile file: 'images/app/changelog', text: 'app (1.0) wikimedia; urgency=medium\\n\\n  * New.\\n\\n -- T <t@example.org>  Mon, 02 Nov 2026 10:00:00 +0000\\n'",
            "");

    @Test
    void lintFailsTheBuildWithFileAndLine() throws Exception {
        WorkflowJob p = r.jenkins.createProject(WorkflowJob.class, "lint");
        p.setDefinition(new CpsFlowDefinition("node {\n" + TREE + "lintImageTree directory: 'images', config: 'config.yaml'\n}", true));
        WorkflowRun b = r.buildAndAssertStatus(Result.FAILURE, p);
        r.assertLogContains("images/app/Dockerfile.template:1: image 'docker.io/library/debian:bookworm' is not from an allowed registry", b);
        r.assertLogContains("lintImageTree: 1 problem(s) in images", b);
    }

    @Test
    void lintResultsAreUsableInGroovy() throws Exception {
        WorkflowJob p = r.jenkins.createProject(WorkflowJob.class, "lint-groovy");
        p.setDefinition(new CpsFlowDefinition("node {\n" + TREE
                + "def problems = lintImageTree directory: 'images', config: 'config.yaml', failOnProblems: false\n"
                + "echo \"problems: ${problems.size()} first: ${problems[0].file}:${problems[0].line}\"\n}", true));
        WorkflowRun b = r.buildAndAssertSuccess(p);
        r.assertLogContains("problems: 1 first: images/app/Dockerfile.template:1", b);
    }

    @Test
    void updateReturnsTheCascade() throws Exception {
        WorkflowJob p = r.jenkins.createProject(WorkflowJob.class, "update");
        p.setDefinition(new CpsFlowDefinition("node {\n" + TREE
                + "writeFile file: 'images/app/Dockerfile.template', text: 'FROM {{ \"base\" | image_tag }}\\n'\n"
                + "writeFile file: 'images/app/control', text: 'Source: app\\n\\nPackage: app\\nDepends: base\\n'\n"
                + "withEnv(['DEBFULLNAME=Jenkins', 'DEBEMAIL=jenkins@example.org']) {\n"
                + "  def bumps = updateImageTree name: 'base', reason: 'Security update', directory: 'images', config: 'config.yaml'\n"
                + "  echo bumps.collect { \"${it.name} ${it.oldVersion}->${it.newVersion}\" }.sort().join(', ')\n"
                + "}\n}", true));
        WorkflowRun b = r.buildAndAssertSuccess(p);
        r.assertLogContains("app 1.0->1.0-s1, base 1.0->1.0-s1", b);
    }

    @Test
    void stepsNeedANode() throws Exception {
        WorkflowJob p = r.jenkins.createProject(WorkflowJob.class, "no-node");
        p.setDefinition(new CpsFlowDefinition("lintImageTree directory: 'images'", true));
        WorkflowRun b = r.buildAndAssertStatus(Result.FAILURE, p);
        r.assertLogContains("Required context class hudson.FilePath is missing", b);
    }
}
