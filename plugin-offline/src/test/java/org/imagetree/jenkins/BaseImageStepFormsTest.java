package org.imagetree.jenkins;

import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.junit.jupiter.api.Test;

import java.beans.Introspector;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;

import static org.assertj.core.api.Assertions.assertThat;

/** What the Snippet Generator and the step reference need of the base image steps: a form, help for every option, a name. */
class BaseImageStepFormsTest {
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
        for (Class<?> step : List.of(BuildBaseImagesStep.class, RefreshImageTreeStep.class)) {
            String dir = "org/imagetree/jenkins/" + step.getSimpleName() + "/";
            assertThat(step.getClassLoader().getResource(dir + "config.jelly")).as(dir + "config.jelly").isNotNull();
            assertThat(step.getClassLoader().getResource(dir + "help.html")).as(dir + "help.html").isNotNull();
            List<String> options = options(step);
            assertThat(options).contains("distros", "config", "registry", "mirror", "timestamp", "aptSource", "aptKey",
                    "aptPreferences", "unstableOnFailure");
            for (String option : options) {
                assertThat(step.getClassLoader().getResource(dir + "help-" + option + ".html")).as(dir + "help-" + option).isNotNull();
            }
            String key = step.getSimpleName() + ".DisplayName";
            assertThat(ResourceBundle.getBundle("org.imagetree.jenkins.Messages").getString(key)).isNotBlank();
        }
        assertThat(options(RefreshImageTreeStep.class)).contains("directories", "jobs");
        assertThat(BuildBaseImagesStep.DescriptorImpl.class.getAnnotation(Symbol.class).value()).containsExactly("buildBaseImages");
        assertThat(new BuildBaseImagesStep.DescriptorImpl().getFunctionName()).isEqualTo("buildBaseImages");
        assertThat(RefreshImageTreeStep.DescriptorImpl.class.getAnnotation(Symbol.class).value()).containsExactly("refreshImageTree");
        assertThat(new RefreshImageTreeStep.DescriptorImpl().getFunctionName()).isEqualTo("refreshImageTree");
    }
}
