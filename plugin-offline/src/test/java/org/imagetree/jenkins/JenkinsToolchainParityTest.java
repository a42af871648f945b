package org.imagetree.jenkins;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The offline build runs Jenkins' own checks with Jenkins' own settings, so what the first real {@code mvn verify}
 * of the hpi would report fails the default build first. The expected values are plugin-pom's, read at its tag
 * 6.2221.va_045130417c9 (pom.xml: properties spotbugs-maven-plugin.version and spotbugs.omitVisitors, the spotbugs
 * execution binding {@code check} to verify, the display-info enforcer execution); when plugin/pom.xml moves to
 * another plugin-pom, this test fails until they are read again there.
 */
class JenkinsToolchainParityTest {
    static final String PLUGIN_POM = "6.2221.va_045130417c9";
    static final String SPOTBUGS_PLUGIN = "4.10.3.0";
    static final String OMIT_VISITORS = "ConstructorThrow,FindReturnRef,MultipleInstantiationsOfSingletons,SharedVariableAtomicityDetector,"
            + "ThrowingExceptions,FindImproperSynchronization";

    @Test
    void spotBugsRunsOverThePluginSourcesAsTheHpiBuildRunsIt() throws Exception {
        Element plugin = Poms.read("plugin/pom.xml");
        Element offline = Poms.read("plugin-offline/pom.xml");
        assertThat(Poms.text(plugin, "parent/artifactId")).isEqualTo("plugin");
        assertThat(Poms.text(plugin, "parent/version")).as("the plugin-pom these settings were read from").isEqualTo(PLUGIN_POM);

        assertThat(Poms.text(offline, "build/sourceDirectory")).isEqualTo("../plugin/src/main/java");
        assertThat(Poms.text(offline, "properties/spotbugs-maven-plugin.version")).isEqualTo(SPOTBUGS_PLUGIN);
        assertThat(Poms.text(offline, "properties/spotbugs.omitVisitors")).isEqualTo(OMIT_VISITORS);
        for (String setting : List.of("spotbugs.effort", "spotbugs.threshold")) {
            assertThat(Poms.text(offline, "properties/" + setting)).as(setting).isNotNull().isEqualTo(Poms.text(plugin, "properties/" + setting));
        }
        Element spotbugs = Poms.plugin(offline, "spotbugs-maven-plugin");
        assertThat(spotbugs).isNotNull();
        assertThat(Poms.text(spotbugs, "executions/execution/phase")).isEqualTo("verify");
        assertThat(Poms.text(spotbugs, "executions/execution/goals/goal")).isEqualTo("check");
        assertThat(Poms.text(spotbugs, "configuration/failOnError")).as("plugin-pom leaves failOnError at its default, true").isNull();
        assertThat(Files.readString(Poms.repo().resolve("plugin-offline/pom.xml")))
                .contains("<exists>${basedir}/../plugin/src/spotbugs/excludesFilter.xml</exists>");
    }

    @Test
    void thePluginModulesAreJava21AsJenkins2555() throws Exception {
        Element root = Poms.read("pom.xml");
        assertThat(Poms.text(root, "properties/maven.compiler.release")).as("the engine: command-line users on Java 17").isEqualTo("17");
        assertThat(Poms.text(root, "properties/jenkins.java.release")).isEqualTo("21");
        assertThat(Poms.text(Poms.read("plugin/pom.xml"), "properties/maven.compiler.release")).isEqualTo("21");
        for (String m : List.of("plugin-offline/pom.xml", "jenkins-stubs/pom.xml")) {
            assertThat(Poms.text(Poms.read(m), "properties/maven.compiler.release")).as(m).isEqualTo("${jenkins.java.release}");
        }
        // The classes this test runs are the plugin's, compiled for Java 21 (class file version 65).
        try (var in = JenkinsToolchainParityTest.class.getClassLoader().getResourceAsStream("org/imagetree/jenkins/FormFields.class")) {
            byte[] head = in.readNBytes(8);
            assertThat(((head[6] & 0xff) << 8) | (head[7] & 0xff)).isEqualTo(65);
        }
    }

    @Test
    void theEnforcerRulesPluginPomAppliesRunOverTheBundledDependencies() throws Exception {
        String bundle = Files.readString(Poms.repo().resolve("plugin-bundle/pom.xml"));
        for (String rule : List.of("<requireMavenVersion>", "<requireJavaVersion>", "<requirePluginVersions>", "<enforceBytecodeVersion>",
                "<bannedDependencies>", "<requireUpperBoundDeps>", "<requireReleaseDeps>")) {
            assertThat(bundle).as(rule).contains(rule);
        }
        assertThat(bundle).contains("<version>[3.9.6,)</version>").contains("<maxJdkVersion>21</maxJdkVersion>")
                .contains("<exclude>commons-logging:commons-logging:*:jar:compile</exclude>");
        String root = Files.readString(Poms.repo().resolve("pom.xml"));
        assertThat(root).contains("<requireMavenVersion>").contains("<requirePluginVersions>");
        assertThat(Files.readString(Poms.repo().resolve(".mvn/wrapper/maven-wrapper.properties")))
                .containsPattern("distributionUrl=https://repo\\.maven\\.apache\\.org/maven2/org/apache/maven/apache-maven/3\\.9\\.\\d+/apache-maven-3\\.9\\.\\d+-bin\\.zip")
                .contains("distributionSha256Sum=");
    }
}
