package org.imagetree.jenkins;

import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/jenkins.md says what the plugin and its build do: checked against the forms, the steps and the poms, so the
 * admin's page cannot drift from them.
 */
class JenkinsDocTest {
    private static String doc() throws Exception {
        return Files.readString(TestEnvironment.repo().resolve("docs/jenkins.md"));
    }

    private static String section(String doc, String heading) {
        int start = doc.indexOf("\n" + heading + "\n");
        assertThat(start).as(heading).isNotNegative();
        int end = doc.indexOf("\n## ", start + heading.length() + 1);
        return end < 0 ? doc.substring(start) : doc.substring(start, end);
    }

    @Test
    void noOptionIsCalledPipelineOnlySinceEveryOptionHasAFormField() throws Exception {
        // StepFormsTest proves every option of every step has a field in its form (issue 26, item 15).
        assertThat(doc()).doesNotContainIgnoringCase("Pipeline only");
        String scan = StepForms.resource(ImageTreeSecurityScanStep.class, "config.jelly");
        assertThat(scan).contains("field=\"images\"");
    }

    @Test
    void theCredentialsSectionNamesEveryStepThatResolvesACredential() throws Exception {
        // Issue 26, item 16: the security steps resolve a credential they name (SecurityStepsTest, CredentialsStepsTest).
        String credentials = section(doc(), "## Credentials");
        assertThat(credentials).doesNotContain("Only steps that may push resolve it");
        for (String step : List.of("buildImageTree", "imageTreePlan", "blubberBuild", "servicePipeline", "buildBaseImages",
                "refreshImageTree", "imageTreeSecurityScan", "imageTreeSecurityUpdate")) {
            assertThat(credentials).as(step).contains("`" + step + "`");
        }
        assertThat(credentials).contains("only a credential they name themselves").contains("never `lintImageTree`, `updateImageTree`");
        assertThat(section(doc(), "## `buildImageTree`")).contains("a password shorter than 8 characters is accepted and masked too");
    }

    @Test
    void theAdminSectionGivesTheCommandsAndTheVersionsThePomsHave() throws Exception {
        String admin = section(doc(), "## Building and installing the plugin (for Jenkins administrators)");
        Element plugin = Poms.read("plugin/pom.xml");
        String baseline = Poms.text(plugin, "properties/jenkins.baseline");
        String jenkins = Poms.text(plugin, "properties/jenkins.version").replace("${jenkins.baseline}", baseline);
        assertThat(admin).contains("Jenkins-Version: " + jenkins).contains("LTS line " + baseline + ".x");
        assertThat(admin).contains(Poms.text(plugin, "parent/version"));
        assertThat(admin).contains(Poms.text(plugin, "dependencyManagement/dependencies/dependency/version"));
        assertThat(admin).contains("Java on the controller and the agents | 21 or 25");
        assertThat(Poms.text(plugin, "properties/maven.compiler.release")).isEqualTo("21");
        assertThat(admin).contains("./mvnw -B -Pjenkins-plugin -pl plugin -am -DskipTests package")
                .contains("plugin/target/image-tree.hpi").contains("install-plugin = -restart < plugin/target/image-tree.hpi")
                .contains("Deploy Plugin");
        // Every plugin the hpi depends on (outside test scope) is in the list an administrator installs first.
        String cli = admin.substring(admin.indexOf("install-plugin workflow-step-api"));
        for (Element dep : Poms.all(Poms.child(plugin, "dependencies"), "dependency")) {
            String artifact = Poms.text(dep, "artifactId");
            if ("test".equals(Poms.text(dep, "scope")) || artifact.startsWith("imagetree")) continue;
            assertThat(cli.substring(0, cli.indexOf("install-plugin =")) ).as(artifact).contains(artifact);
        }
    }
}
