package org.imagetree.jenkins;

import org.jenkinsci.Symbol;
import org.junit.jupiter.api.Test;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

import java.beans.Introspector;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ResourceBundle;

import static org.assertj.core.api.Assertions.assertThat;

/** What the Snippet Generator and the step reference need of the security steps: a form, help for every option, a name. */
class SecurityStepFormsTest {
    private static List<String> options(Class<?> step) {
        List<String> out = new ArrayList<>();
        for (Method m : step.getMethods()) {
            if (m.isAnnotationPresent(DataBoundSetter.class)) out.add(Introspector.decapitalize(m.getName().substring(3)));
        }
        for (Constructor<?> c : step.getConstructors()) {
            if (c.isAnnotationPresent(DataBoundConstructor.class)) for (Parameter p : c.getParameters()) out.add(p.getName());
        }
        return out;
    }

    @Test
    void everyOptionHasHelpAndTheStepsHaveFormsSymbolsAndNames() {
        Map<Class<?>, String> steps = Map.of(ImageTreeSecurityScanStep.class, "imageTreeSecurityScan",
                ImageTreeSecurityUpdateStep.class, "imageTreeSecurityUpdate");
        for (Map.Entry<Class<?>, String> e : steps.entrySet()) {
            Class<?> step = e.getKey();
            String dir = "org/imagetree/jenkins/" + step.getSimpleName() + "/";
            assertThat(step.getClassLoader().getResource(dir + "config.jelly")).as(dir + "config.jelly").isNotNull();
            assertThat(step.getClassLoader().getResource(dir + "help.html")).as(dir + "help.html").isNotNull();
            List<String> options = options(step);
            assertThat(options).contains("directory", "config", "registry");
            for (String option : options) {
                assertThat(step.getClassLoader().getResource(dir + "help-" + option + ".html")).as(dir + "help-" + option).isNotNull();
            }
            assertThat(ResourceBundle.getBundle("org.imagetree.jenkins.Messages").getString(step.getSimpleName() + ".DisplayName")).isNotBlank();
        }
        assertThat(options(ImageTreeSecurityScanStep.class)).contains("images", "unstableIfOutdated");
        assertThat(ImageTreeSecurityScanStep.DescriptorImpl.class.getAnnotation(Symbol.class).value()).containsExactly("imageTreeSecurityScan");
        assertThat(new ImageTreeSecurityScanStep.DescriptorImpl().getFunctionName()).isEqualTo("imageTreeSecurityScan");
        assertThat(ImageTreeSecurityUpdateStep.DescriptorImpl.class.getAnnotation(Symbol.class).value()).containsExactly("imageTreeSecurityUpdate");
        assertThat(new ImageTreeSecurityUpdateStep.DescriptorImpl().getFunctionName()).isEqualTo("imageTreeSecurityUpdate");
    }
}
