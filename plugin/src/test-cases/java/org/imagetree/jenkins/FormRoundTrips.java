package org.imagetree.jenkins;

import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryEndpoint;
import org.jenkinsci.plugins.workflow.steps.Step;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The configuration round trips both harnesses assert: every step through its form (Snippet Generator, classic
 * configuration) must come back equal ({@code assertEqualDataBoundBeans}). plugin/src/test (JenkinsRule and
 * {@code StepConfigTester}) and plugin-offline (OfflineForms) both compile this file and run every case.
 * Each step appears unset (every option at its default: a form must not invent a registry or turn an unset option
 * into a value), with every option set, and with the cases that once failed.
 */
public final class FormRoundTrips {
    private FormRoundTrips() {}

    /** The credential the cases name; the JenkinsRule test stores it so docker-commons' select can list it. */
    public static final String CREDENTIALS_ID = "registry-creds";

    /** The credentials docker-commons' registry form lists (only an id it lists survives a round trip). */
    public static final Set<String> LISTED_CREDENTIALS = Set.of(CREDENTIALS_ID);

    private static DockerRegistryEndpoint registry() {
        return new DockerRegistryEndpoint("https://registry.example.org", CREDENTIALS_ID);
    }

    /** The steps, each with a description of the case. */
    public record Case(String name, Step step) {
        @Override
        public String toString() { return name; }
    }

    public static List<Case> cases() throws Exception {
        List<Case> out = new ArrayList<>();

        out.add(new Case("buildImageTree unset", new BuildImageTreeStep()));
        BuildImageTreeStep build = new BuildImageTreeStep();
        build.setDirectory("images");
        build.setConfig("config.yaml");
        build.setSelect("*python3:*");
        build.setNightly(true);
        build.setSnapshot(true);
        build.setUseCache(true);
        build.setPull(false);
        build.setJobs(3);
        build.setRegistry(registry());
        build.setUnstableOnFailure(true);
        build.setPublish(false);
        build.setImages(List.of("tools", "runtime"));
        build.setParentDigests(List.of("registry.example.org/bookworm:latest@sha256:0123"));
        build.setTagSuffix("-20261204-000133");
        out.add(new Case("buildImageTree everything", build));
        BuildImageTreeStep publishOnly = new BuildImageTreeStep();
        publishOnly.setPublish(true);
        publishOnly.setRegistry(new DockerRegistryEndpoint("https://registry.example.org", null));
        out.add(new Case("buildImageTree publish, registry without credentials", publishOnly));

        out.add(new Case("imageTreePlan unset", new ImageTreePlanStep()));
        ImageTreePlanStep plan = new ImageTreePlanStep();
        plan.setDirectory("images");
        plan.setSelect("*web:*");
        plan.setPartitions(3);
        plan.setPublish(true);
        plan.setRegistry(registry());
        out.add(new Case("imageTreePlan everything", plan));

        out.add(new Case("updateImageTree name only", new UpdateImageTreeStep("python3")));
        UpdateImageTreeStep update = new UpdateImageTreeStep("python3");
        update.setReason("Security update for openssl");
        update.setVersion("3.11.2-1");
        update.setDirectory("images");
        update.setConfig("config.yaml");
        out.add(new Case("updateImageTree everything", update));

        out.add(new Case("lintImageTree unset", new LintImageTreeStep()));
        LintImageTreeStep lint = new LintImageTreeStep();
        lint.setDirectory("images");
        lint.setConfig("config.yaml");
        lint.setAgainst("origin/main");
        lint.setFailOnProblems(false);
        out.add(new Case("lintImageTree everything", lint));

        out.add(new Case("blubberBuild variant only", new BlubberBuildStep("production")));
        BlubberBuildStep blubber = new BlubberBuildStep("production");
        blubber.setConfig(".pipeline/blubber.yaml");
        blubber.setContext(".");
        blubber.setTags(List.of("registry.example.org/svc:1", "registry.example.org/svc:latest"));
        blubber.setBuildArgs(List.of("HTTP_PROXY=http://proxy:8080"));
        blubber.setPublish(true);
        blubber.setRegistry(registry());
        blubber.setEngineConfig("config.yaml");
        blubber.setPolicy(".pipeline/policy.yaml");
        blubber.setFlavour("buildkit");
        out.add(new Case("blubberBuild everything", blubber));

        out.add(new Case("servicePipeline unset", new ServicePipelineStep()));
        ServicePipelineStep pipeline = new ServicePipelineStep();
        pipeline.setPipelines(List.of("service1", "service2"));
        pipeline.setConfigPath(".pipeline/merge.yaml");
        pipeline.setAllowedActions(List.of("build", "run", "publish"));
        pipeline.setAllowedTriggerJobs(List.of("deploy-service"));
        pipeline.setAllowedCredentials(List.of("sonar-token"));
        pipeline.setDirectory("service");
        pipeline.setJobs(2);
        pipeline.setRegistry(registry());
        pipeline.setEngineConfig("config.yaml");
        out.add(new Case("servicePipeline everything", pipeline));

        out.add(new Case("buildBaseImages unset", new BuildBaseImagesStep()));
        BuildBaseImagesStep bases = new BuildBaseImagesStep();
        bases.setDistros(List.of("bookworm", "trixie"));
        bases.setConfig("config.yaml");
        bases.setPublish(true);
        bases.setRegistry(registry());
        bases.setMirror("http://mirror.example.org/debian");
        bases.setTimestamp("2026-01-01T00:00:00Z");
        bases.setAptSource("base/{distro}.sources.list");
        bases.setAptKey("base/key.gpg");
        bases.setAptPreferences("base/preferences");
        bases.setUnstableOnFailure(true);
        out.add(new Case("buildBaseImages everything", bases));

        out.add(new Case("refreshImageTree directories only", new RefreshImageTreeStep(List.of("images"))));
        RefreshImageTreeStep refresh = new RefreshImageTreeStep(List.of("images", "istio"));
        refresh.setDistros(List.of("bookworm"));
        refresh.setConfig("config.yaml");
        refresh.setRegistry(registry());
        refresh.setJobs(2);
        refresh.setMirror("http://mirror.example.org/debian");
        refresh.setTimestamp("@1767225600");
        refresh.setAptSource("base/{distro}.sources.list");
        refresh.setAptKey("base/key.gpg");
        refresh.setAptPreferences("base/preferences");
        refresh.setUnstableOnFailure(true);
        out.add(new Case("refreshImageTree everything", refresh));

        out.add(new Case("imageTreeSecurityScan unset", new ImageTreeSecurityScanStep()));
        ImageTreeSecurityScanStep scan = new ImageTreeSecurityScanStep();
        scan.setDirectory("images");
        scan.setConfig("config.yaml");
        scan.setRegistry(registry());
        scan.setImages(List.of("registry.example.org/repos/svc:stable"));
        scan.setUnstableIfOutdated(true);
        out.add(new Case("imageTreeSecurityScan everything", scan));

        out.add(new Case("imageTreeSecurityUpdate unset", new ImageTreeSecurityUpdateStep()));
        ImageTreeSecurityUpdateStep securityUpdate = new ImageTreeSecurityUpdateStep();
        securityUpdate.setDirectory("images");
        securityUpdate.setConfig("config.yaml");
        securityUpdate.setRegistry(registry());
        out.add(new Case("imageTreeSecurityUpdate everything", securityUpdate));
        return out;
    }
}
