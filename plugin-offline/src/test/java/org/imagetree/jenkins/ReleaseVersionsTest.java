package org.imagetree.jenkins;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine and the hpi release together, the way jenkinsci's multi-module plugins do (jenkinsci/incrementals-tools
 * README, "Enabling production of incrementals"; jenkinsci/configuration-as-code-plugin): one CI-friendly version
 * {@code ${revision}${changelist}} for every module, siblings referred to as {@code ${project.version}}, the
 * git-changelist extension in {@code .mvn/extensions.xml}, and no snapshot written into any pom, so a release
 * ({@code -Dset.changelist} or {@code -Dchangelist=}) leaves nothing behind at 0.1.0-SNAPSHOT.
 */
class ReleaseVersionsTest {
    private static final String CI_FRIENDLY = "${revision}${changelist}";

    @Test
    void everyModuleHasTheRepositorysCiFriendlyVersion() throws Exception {
        List<Path> poms = Poms.all();
        assertThat(poms).extracting(p -> Poms.repo().relativize(p).toString())
                .contains("pom.xml", "core/pom.xml", "cli/pom.xml", "plugin-bundle/pom.xml", "plugin/pom.xml", "plugin-offline/pom.xml");
        for (Path p : poms) {
            Element pom = Poms.read(p);
            String where = Poms.repo().relativize(p).toString();
            String version = Poms.text(pom, "version");
            String parent = Poms.text(pom, "parent/groupId");
            if ("org.imagetree".equals(parent)) {
                assertThat(Poms.text(pom, "parent/version")).as(where + " parent version").isEqualTo(CI_FRIENDLY);
                assertThat(version).as(where + " inherits its version").isNull();
            } else {
                assertThat(version).as(where + " version").isEqualTo(CI_FRIENDLY);
            }
            for (Element dep : Poms.all(pom, "dependency")) {
                String group = Poms.text(dep, "groupId");
                if ("org.imagetree".equals(group) && Poms.text(dep, "version") != null) {
                    assertThat(Poms.text(dep, "version")).as(where + " " + Poms.text(dep, "artifactId")).isEqualTo("${project.version}");
                }
            }
            assertThat(Files.readString(p)).as(where + ": a snapshot written into a pom stays a snapshot in a release")
                    .doesNotContainPattern("<version>[^<]*SNAPSHOT</version>");
        }
    }

    @Test
    void thePomsWithAnotherParentRepeatTheSameRevisionAndChangelist() throws Exception {
        Element root = Poms.read("pom.xml");
        String revision = Poms.text(root, "properties/revision");
        String changelist = Poms.text(root, "properties/changelist");
        assertThat(revision).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(changelist).isEqualTo("-SNAPSHOT");
        for (String other : List.of("plugin-bundle/pom.xml", "plugin/pom.xml")) {
            Element pom = Poms.read(other);
            assertThat(Poms.text(pom, "properties/revision")).as(other).isEqualTo(revision);
            assertThat(Poms.text(pom, "properties/changelist")).as(other).isEqualTo(changelist);
        }
    }

    /** scripts/lib.sh's probe: the hpi module joins the build exactly when the Jenkins repository answers. */
    @Test
    void theScriptsAddTheHpiModuleWhenTheJenkinsRepositoryAnswers() throws Exception {
        com.sun.net.httpserver.HttpServer repo = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        repo.createContext("/public/org/jenkins-ci/plugins/plugin/", x -> {
            byte[] pom = "<project/>".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, pom.length);
            x.getResponseBody().write(pom);
            x.close();
        });
        repo.start();
        try {
            String url = "http://127.0.0.1:" + repo.getAddress().getPort();
            assertThat(hpiArgs(Map.of("JENKINS_REPO_URL", url + "/public"))).isEqualTo("-Pjenkins-plugin");
            assertThat(hpiArgs(Map.of("JENKINS_REPO_URL", url + "/missing"))).as("a 404 is not a repository").isEmpty();
            assertThat(hpiArgs(Map.of("JENKINS_REPO_URL", url + "/public", "IMAGETREE_HPI", "never"))).isEmpty();
            assertThat(hpiArgs(Map.of("JENKINS_REPO_URL", url + "/missing", "IMAGETREE_HPI", "always"))).isEqualTo("-Pjenkins-plugin");
        } finally {
            repo.stop(0);
        }
    }

    private static String hpiArgs(Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", ". scripts/lib.sh && hpi_maven_args").directory(Poms.repo().toFile());
        pb.environment().remove("IMAGETREE_HPI");
        pb.environment().putAll(env);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).isZero();
        return out;
    }

    @Test
    void incrementalsAndTheHpiModuleAreWiredAsDocumented() throws Exception {
        String extensions = Files.readString(Poms.repo().resolve(".mvn/extensions.xml"));
        assertThat(extensions).contains("<groupId>io.jenkins.tools.incrementals</groupId>")
                .contains("<artifactId>git-changelist-maven-extension</artifactId>");
        // The changelist must stay a pom property: as a user property (.mvn/maven.config) the extension would decline
        // to replace it (git-changelist-maven-extension Main.afterSessionStart) and a release would stay a snapshot.
        Path config = Poms.repo().resolve(".mvn/maven.config");
        if (Files.exists(config)) assertThat(Files.readString(config)).doesNotContain("-Dchangelist").doesNotContain("-Drevision");

        Element root = Poms.read("pom.xml");
        assertThat(Poms.all(Poms.child(root, "modules"), "module")).extracting(Element::getTextContent).doesNotContain("plugin");
        Element profile = Poms.all(root, "profile").stream().filter(p -> "jenkins-plugin".equals(Poms.text(p, "id"))).findFirst().orElseThrow();
        assertThat(Poms.text(profile, "activation/property/name")).as("Jenkins' incrementals and release builds pass -Dset.changelist")
                .isEqualTo("set.changelist");
        assertThat(Poms.text(profile, "modules/module")).isEqualTo("plugin");
        String lib = Files.readString(Poms.repo().resolve("scripts/lib.sh"));
        assertThat(lib).contains("printf '%s\\n' -Pjenkins-plugin");
        assertThat(Files.readString(Poms.repo().resolve("scripts/test.sh"))).contains("hpi_maven_args");

        // What only the offline build needs is never released; the engine, the bundle pom and the hpi are.
        for (String p : List.of("jenkins-stubs/pom.xml", "plugin-offline/pom.xml")) {
            assertThat(Poms.text(Poms.read(p), "properties/maven.deploy.skip")).as(p).isEqualTo("true");
        }
        for (String p : List.of("pom.xml", "core/pom.xml", "plugin-bundle/pom.xml", "plugin/pom.xml")) {
            assertThat(Poms.text(Poms.read(p), "properties/maven.deploy.skip")).as(p).isNull();
        }
        // Installed and deployed poms name the resolved version.
        for (String p : List.of("pom.xml", "plugin-bundle/pom.xml", "plugin/pom.xml")) {
            assertThat(Poms.plugin(Poms.read(p), "flatten-maven-plugin")).as(p + " flattens its pom").isNotNull();
        }
    }
}
