package org.imagetree.jenkins;

import com.cloudbees.plugins.credentials.Credentials;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.domains.Domain;
import com.cloudbees.plugins.credentials.domains.HostnameSpecification;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import hudson.model.Fingerprint;
import hudson.model.Result;
import hudson.model.User;
import hudson.security.ACL;
import hudson.security.ACLContext;
import hudson.util.ListBoxModel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jenkins.model.Jenkins;
import org.htmlunit.Page;
import org.jenkinsci.plugins.workflow.cps.SnippetizerTester;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepConfigTester;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
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
    void setUp(JenkinsRule rule) throws Exception {
        r = rule;
        // The credential the round trips name: docker-commons' registry form only keeps ids it can list.
        addCredential(Domain.global(), FormRoundTrips.CREDENTIALS_ID, "bot", "registry-password-0001");
    }

    private static UsernamePasswordCredentialsImpl addCredential(Domain domain, String id, String user, String password) throws Exception {
        return addCredential(CredentialsScope.GLOBAL, domain, id, user, password);
    }

    private static UsernamePasswordCredentialsImpl addCredential(CredentialsScope scope, Domain domain, String id, String user, String password)
            throws Exception {
        UsernamePasswordCredentialsImpl c = new UsernamePasswordCredentialsImpl(scope, id, "registry login", user, password);
        SystemCredentialsProvider store = SystemCredentialsProvider.getInstance();
        Map<Domain, List<Credentials>> map = new HashMap<>(store.getDomainCredentialsMap());
        List<Credentials> list = new java.util.ArrayList<>(map.getOrDefault(domain, List.of()));
        list.add(c);
        map.put(domain, list);
        store.setDomainCredentialsMap(map);
        store.save();
        return c;
    }

    /** The same cases plugin-offline's FormRoundTripTest runs through the offline harness (FormRoundTrips). */
    @Test
    void everyStepComesBackFromItsFormAsItWent() throws Exception {
        for (FormRoundTrips.Case c : FormRoundTrips.cases()) {
            Step back = new StepConfigTester(r).configRoundTrip(c.step());
            try {
                r.assertEqualDataBoundBeans(c.step(), back);
            } catch (AssertionError e) {
                throw new AssertionError(c.name() + ": " + e.getMessage(), e);
            }
        }
        BuildImageTreeStep unset = new BuildImageTreeStep();
        org.junit.jupiter.api.Assertions.assertNull(new StepConfigTester(r).configRoundTrip(unset).getPublish(), "an unset publish stays unset, not false");
        org.junit.jupiter.api.Assertions.assertNull(new StepConfigTester(r).configRoundTrip(unset).getRegistry(), "no registry stays no registry");
    }

    @Test
    void snippetGeneratorWritesListsAndLeavesUnsetBooleansOut() throws Exception {
        SnippetizerTester st = new SnippetizerTester(r);
        BuildImageTreeStep build = new BuildImageTreeStep();
        build.setImages(List.of("tools", "runtime"));
        st.assertRoundTrip(build, "buildImageTree images: ['tools', 'runtime']");
        build.setPublish(false);
        st.assertRoundTrip(build, "buildImageTree images: ['tools', 'runtime'], publish: false");
        ImageTreePlanStep plan = new ImageTreePlanStep();
        plan.setPartitions(2);
        st.assertRoundTrip(plan, "imageTreePlan partitions: 2");
    }

    @Test
    void credentialsListIsForAdministratorsAndOnlyByPost() throws Exception {
        r.jenkins.setSecurityRealm(r.createDummySecurityRealm());
        r.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.ADMINISTER).everywhere().to("admin")
                .grant(Jenkins.READ).everywhere().to("reader"));
        ImageTreeGlobalConfiguration config = ImageTreeGlobalConfiguration.get();
        try (ACLContext ignored = ACL.as2(User.getById("admin", true).impersonate2())) {
            ListBoxModel m = config.doFillCredentialsIdItems("https://registry.example.org", null);
            org.junit.jupiter.api.Assertions.assertTrue(m.stream().anyMatch(o -> o.value.equals(FormRoundTrips.CREDENTIALS_ID)), m.toString());
        }
        try (ACLContext ignored = ACL.as2(User.getById("reader", true).impersonate2())) {
            ListBoxModel m = config.doFillCredentialsIdItems("https://registry.example.org", FormRoundTrips.CREDENTIALS_ID);
            org.junit.jupiter.api.Assertions.assertEquals(1, m.size(), m.toString());
        }
        String url = "descriptorByName/" + ImageTreeGlobalConfiguration.class.getName() + "/fillCredentialsIdItems";
        JenkinsRule.WebClient wc = r.createWebClient().withThrowExceptionOnFailingStatusCode(false);
        wc.login("admin");
        // Stapler's @POST (HttpVerbInterceptor) skips the route for another verb: nothing else matches, so 404
        // (plugin-offline's HarnessStrictnessTest checks the same routing offline).
        Page get = wc.goTo(url + "?registryUrl=https://registry.example.org", null);
        org.junit.jupiter.api.Assertions.assertEquals(404, get.getWebResponse().getStatusCode());
        org.htmlunit.WebRequest post = new org.htmlunit.WebRequest(new java.net.URL(r.getURL(), url + "?registryUrl=https://registry.example.org"),
                org.htmlunit.HttpMethod.POST);
        wc.addCrumb(post);
        Page posted = wc.getPage(post);
        org.junit.jupiter.api.Assertions.assertEquals(200, posted.getWebResponse().getStatusCode());
        org.junit.jupiter.api.Assertions.assertTrue(posted.getWebResponse().getContentAsString().contains(FormRoundTrips.CREDENTIALS_ID),
                posted.getWebResponse().getContentAsString());
    }

    /** The default credential list offers what a step can use: no SYSTEM scope, only domains admitting the registry's host. */
    @Test
    void theDefaultCredentialsListOffersWhatTheStepsCanUse() throws Exception {
        addCredential(CredentialsScope.SYSTEM, Domain.global(), "system-creds", "bot", "system-password-0001");
        addCredential(new Domain("elsewhere", "", List.of(new HostnameSpecification("other.example.org", null))),
                "other-creds", "bot", "other-password-0001");
        ImageTreeGlobalConfiguration config = ImageTreeGlobalConfiguration.get();
        List<String> forRegistry = config.doFillCredentialsIdItems("https://registry.example.org", null).stream().map(o -> o.value).toList();
        org.junit.jupiter.api.Assertions.assertTrue(forRegistry.contains(FormRoundTrips.CREDENTIALS_ID), forRegistry.toString());
        org.junit.jupiter.api.Assertions.assertFalse(forRegistry.contains("system-creds"), "a run never finds a SYSTEM-scoped credential: " + forRegistry);
        org.junit.jupiter.api.Assertions.assertFalse(forRegistry.contains("other-creds"), "another host's domain: " + forRegistry);
        List<String> forOther = config.doFillCredentialsIdItems("https://other.example.org:5000", null).stream().map(o -> o.value).toList();
        org.junit.jupiter.api.Assertions.assertTrue(forOther.contains("other-creds"), forOther.toString());
        org.junit.jupiter.api.Assertions.assertFalse(forOther.contains("system-creds"), forOther.toString());

        // And a step that names the SYSTEM-scoped one does not find it: the list and the lookup agree.
        WorkflowJob p = r.jenkins.createProject(WorkflowJob.class, "system-scope");
        p.setDefinition(new CpsFlowDefinition("node {\n" + TREE + "buildImageTree directory: 'images', config: 'config.yaml', "
                + "registry: [url: 'https://registry.example.org', credentialsId: 'system-creds']\n}", true));
        WorkflowRun b = r.buildAndAssertStatus(Result.FAILURE, p);
        r.assertLogContains("Could not find credentials matching 'system-creds' for registry host registry.example.org", b);
    }

    @Test
    void onlyPushingStepsResolveAndTrackTheCredential() throws Exception {
        ImageTreeGlobalConfiguration g = ImageTreeGlobalConfiguration.get();
        g.setRegistryUrl("https://registry.example.org");
        g.setCredentialsId("registry-creds");
        Credentials creds = CredentialsProvider.lookupCredentialsInItemGroup(UsernamePasswordCredentialsImpl.class, r.jenkins, ACL.SYSTEM2, List.of())
                .stream().filter(c -> c.getId().equals("registry-creds")).findFirst().orElseThrow();

        WorkflowJob lint = r.jenkins.createProject(WorkflowJob.class, "lint-no-secret");
        lint.setDefinition(new CpsFlowDefinition("node {\n" + TREE.replace("docker.io/library/debian:bookworm", "registry.example.org/bookworm:latest")
                + "lintImageTree directory: 'images', config: 'config.yaml'\n}", true));
        r.buildAndAssertSuccess(lint);
        Fingerprint fp = CredentialsProvider.getFingerprintOf(creds);
        org.junit.jupiter.api.Assertions.assertTrue(fp == null || fp.getJobs().isEmpty(), "lint must not use the credential");

        // The build resolves and tracks it before it reaches the (here unreachable) registry.
        WorkflowJob build = r.jenkins.createProject(WorkflowJob.class, "build-uses-secret");
        build.setDefinition(new CpsFlowDefinition("node {\n" + TREE + "buildImageTree directory: 'images', config: 'config.yaml'\n}", true));
        WorkflowRun b = r.buildAndAssertStatus(Result.FAILURE, build);
        r.assertLogNotContains("registry-password-0001", b);
        fp = CredentialsProvider.getFingerprintOf(creds);
        org.junit.jupiter.api.Assertions.assertNotNull(fp);
        org.junit.jupiter.api.Assertions.assertTrue(fp.getJobs().contains("build-uses-secret"), fp.getJobs().toString());
    }

    @Test
    void aCredentialInAnotherHostsDomainIsNotFound() throws Exception {
        addCredential(new Domain("elsewhere", "", List.of(new HostnameSpecification("other.example.org", null))),
                "other-creds", "bot", "other-password-0001");
        WorkflowJob p = r.jenkins.createProject(WorkflowJob.class, "domain");
        p.setDefinition(new CpsFlowDefinition("node {\n" + TREE + "buildImageTree directory: 'images', config: 'config.yaml', "
                + "registry: [url: 'https://registry.example.org', credentialsId: 'other-creds']\n}", true));
        WorkflowRun b = r.buildAndAssertStatus(Result.FAILURE, p);
        r.assertLogContains("Could not find credentials matching 'other-creds' for registry host registry.example.org", b);
    }

    @Test
    void aRepositoryConfigCannotWidenTheAdministratorsAllowedRegistries() throws Exception {
        ImageTreeGlobalConfiguration.get().setAllowedRegistries("registry.example.org");
        WorkflowJob p = r.jenkins.createProject(WorkflowJob.class, "ceiling");
        p.setDefinition(new CpsFlowDefinition("node {\n" + TREE
                + "writeFile file: 'config.yaml', text: 'registry: registry.example.org\\nallowed_registries: [registry.example.org, docker.io]\\n'\n"
                + "lintImageTree directory: 'images', config: 'config.yaml'\n}", true));
        WorkflowRun b = r.buildAndAssertStatus(Result.FAILURE, p);
        r.assertLogContains("config.yaml:2: allowed_registries entry 'docker.io' is outside the registries the Jenkins administrator allows (registry.example.org)", b);
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
