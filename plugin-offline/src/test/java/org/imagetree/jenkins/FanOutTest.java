package org.imagetree.jenkins;

import hudson.AbortException;
import org.imagetree.execute.ContainerEngine;
import org.imagetree.model.ImageReference;
import org.imagetree.registry.ManifestDescriptor;
import org.imagetree.registry.RegistryClient;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.TestEnvironment;
import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryEndpoint;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Fan-out as docs/jenkins.md shows it: one plan on a "controller" workspace, its partitions built at the same time by
 * two "agents" (each its own workspace copy, as an unstash gives, and its own JVM through FilePath.act), sharing the
 * plan's tag suffix and pinned parents.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FanOutTest {
    @TempDir static Path root;
    static LocalRegistry registry;
    static RegistryClient client;
    static Map<String, String> env;

    @BeforeAll
    static void setUp() throws IOException {
        registry = LocalRegistry.start();
        client = RegistryClient.builder().build();
        String base = TestEnvironment.publishBaseImage(registry.host());
        for (String ws : List.of("controller", "agent-1", "agent-2")) {
            TestEnvironment.copyTree(TestEnvironment.repo().resolve("examples/tree"), root.resolve(ws + "/tree"));
            Files.writeString(root.resolve(ws + "/imagetree.yaml"), String.join("\n",
                    "registry: " + registry.host(), "base_images:", "  - " + base,
                    "known_uid_mappings:", "  root: 0", "  nobody: 65534", "  somebody: 65533", ""));
        }
        env = new HashMap<>(System.getenv());
        env.putAll(Map.of("DEBFULLNAME", "Jenkins Bot", "DEBEMAIL", "jenkins@example.org"));
    }

    @AfterAll
    static void tearDown() {
        if (registry != null) registry.close();
    }

    private static <S extends TreePlanningStep> S configure(S step) {
        step.setDirectory("tree/images");
        step.setConfig("imagetree.yaml");
        step.setRegistry(new DockerRegistryEndpoint("http://" + registry.host(), null));
        return step;
    }

    private static Optional<ManifestDescriptor> inRegistry(String nameTag) {
        return client.headManifest(ImageReference.parse(registry.host() + "/" + nameTag));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> plan(ImageTreePlanStep step) throws Throwable {
        return (Map<String, Object>) new TestStepContext(root.resolve("controller"), env).run(step, Duration.ofMinutes(5));
    }

    /** buildImageTree for one partition, as a Jenkinsfile writes it from the plan. */
    @SuppressWarnings("unchecked")
    private static BuildImageTreeStep partition(Map<String, Object> plan, int i) {
        BuildImageTreeStep b = configure(new BuildImageTreeStep());
        b.setImages(((List<List<String>>) plan.get("partitions")).get(i));
        b.setTagSuffix((String) plan.get("tagSuffix"));
        b.setParentDigests((List<String>) plan.get("parentDigests"));
        b.setJobs(2);
        return b;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object o) { return (List<Map<String, Object>>) o; }

    @Test
    @Order(1)
    @SuppressWarnings("unchecked")
    void twoAgentsBuildThePartitionsOfOnePlanAtTheSameTimeWithItsTagSuffix() throws Throwable {
        ImageTreePlanStep planStep = configure(new ImageTreePlanStep());
        planStep.setSnapshot(true);
        planStep.setPartitions(2);
        Map<String, Object> plan = plan(planStep);
        String suffix = (String) plan.get("tagSuffix");
        assertThat(suffix).matches("-\\d{8}-\\d{6}");
        List<List<String>> partitions = (List<List<String>>) plan.get("partitions");
        // Whole subtrees, balanced by critical path: the tools subtree (3 levels) and standalone.
        assertThat(partitions).containsExactlyInAnyOrder(List.of("tools", "cli-tools", "runtime", "web", "worker"), List.of("standalone"));

        TestStepContext agent1 = new TestStepContext(root.resolve("agent-1"), env);
        TestStepContext agent2 = new TestStepContext(root.resolve("agent-2"), env);
        agent1.start(partition(plan, 0));
        agent2.start(partition(plan, 1));
        List<Map<String, Object>> built = new ArrayList<>(maps(agent1.await(Duration.ofMinutes(20))));
        built.addAll(maps(agent2.await(Duration.ofMinutes(20))));

        List<String> published = built.stream().filter(i -> "published".equals(i.get("state"))).map(i -> (String) i.get("name")).toList();
        assertThat(published).containsExactlyInAnyOrderElementsOf((List<String>) plan.get("work"));
        for (Map<String, Object> i : built) {
            if (!"published".equals(i.get("state"))) continue;
            assertThat((String) i.get("tag")).endsWith(suffix);
            assertThat(inRegistry(i.get("name") + ":" + i.get("tag"))).as(i.toString()).isPresent();
        }
        assertThat(agent1.log()).doesNotContain("[standalone]");
        assertThat(agent2.log()).doesNotContain("[tools]");
    }

    @Test
    @Order(2)
    @SuppressWarnings("unchecked")
    void aParentRepushedSinceThePlanStopsThePartitionBeforeItBuilds() throws Throwable {
        BuildImageTreeStep toolsOnly = configure(new BuildImageTreeStep());
        toolsOnly.setImages(List.of("tools"));
        List<Map<String, Object>> first = maps(new TestStepContext(root.resolve("agent-1"), env).run(toolsOnly, Duration.ofMinutes(10)));
        assertThat(first).filteredOn(i -> "published".equals(i.get("state"))).extracting(i -> i.get("name")).containsExactly("tools");
        assertThat(inRegistry("runtime:2.1.0")).isEmpty();

        ImageTreePlanStep planStep = configure(new ImageTreePlanStep());
        planStep.setPartitions(2);
        Map<String, Object> plan = plan(planStep);
        String toolsDigest = inRegistry("tools:1.0.0-1").orElseThrow().digest();
        assertThat((List<String>) plan.get("parentDigests")).containsExactly(registry.host() + "/tools:1.0.0-1@" + toolsDigest);
        assertThat((List<String>) plan.get("work")).doesNotContain("tools");

        // Someone re-pushes tools after the plan: the partition building on it refuses to start.
        try (ContainerEngine e = TestEnvironment.engine()) {
            e.tag(TestEnvironment.baseImage(), registry.host() + "/tools:1.0.0-1");
            e.push(registry.host() + "/tools:1.0.0-1", Optional.empty(), line -> { });
        }
        String repushed = inRegistry("tools:1.0.0-1").orElseThrow().digest();
        assertThat(repushed).isNotEqualTo(toolsDigest);
        List<List<String>> partitions = (List<List<String>>) plan.get("partitions");
        int withRuntime = partitions.get(0).contains("runtime") ? 0 : 1;
        Step build = partition(plan, withRuntime);
        assertThatThrownBy(() -> new TestStepContext(root.resolve("agent-1"), env).run(build, Duration.ofMinutes(5)))
                .isInstanceOf(AbortException.class)
                .hasMessage("parent " + registry.host() + "/tools:1.0.0-1 changed since the plan: planned " + toolsDigest + ", registry now " + repushed);
        assertThat(inRegistry("runtime:2.1.0")).isEmpty();
    }

    @Test
    @Order(3)
    void anImageTheTreeLacksIsAnError() {
        BuildImageTreeStep b = configure(new BuildImageTreeStep());
        b.setImages(List.of("no-such-image"));
        assertThatThrownBy(() -> new TestStepContext(root.resolve("agent-2"), env).run(b, Duration.ofMinutes(5)))
                .isInstanceOf(AbortException.class).hasMessage("images: no image named 'no-such-image' in tree/images");
    }
}
