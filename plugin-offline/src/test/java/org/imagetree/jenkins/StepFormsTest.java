package org.imagetree.jenkins;

import org.jenkinsci.Symbol;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the Snippet Generator and the step reference need of every step: a name, a form with a field for every
 * option (lists as text areas, one entry per line), and help for the step and every option.
 */
class StepFormsTest {
    @Test
    void everyOptionOfEveryStepHasAFormFieldAndHelp() throws Exception {
        List<Class<?>> steps = StepForms.steps();
        assertThat(steps).hasSizeGreaterThanOrEqualTo(10);
        List<String> missing = new ArrayList<>();
        for (Class<?> step : steps) {
            String form = StepForms.resource(step, "config.jelly");
            if (form == null) { missing.add(step.getSimpleName() + ": config.jelly"); continue; }
            if (StepForms.resource(step, "help.html") == null) missing.add(step.getSimpleName() + ": help.html");
            for (String option : StepForms.options(step)) {
                if (!form.contains("field=\"" + option + "\"")) missing.add(step.getSimpleName() + ": no form field for " + option);
                String help = StepForms.resource(step, "help-" + option + ".html");
                if (help == null || help.isBlank()) missing.add(step.getSimpleName() + ": help-" + option + ".html");
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void everyStepHasASymbolAFunctionNameAndADisplayName() throws Exception {
        for (Class<?> step : StepForms.steps()) {
            Class<?> d = java.util.Arrays.stream(step.getDeclaredClasses()).filter(k -> k.getSimpleName().equals("DescriptorImpl"))
                    .findFirst().orElseThrow(() -> new AssertionError(step + " has no DescriptorImpl"));
            ImageTreeStepDescriptor descriptor = (ImageTreeStepDescriptor) d.getDeclaredConstructor().newInstance();
            assertThat(d.getAnnotation(Symbol.class).value()).as(step.getSimpleName()).containsExactly(descriptor.getFunctionName());
            assertThat(ResourceBundle.getBundle("org.imagetree.jenkins.Messages").getString(step.getSimpleName() + ".DisplayName")).isNotBlank();
        }
    }

    @Test
    void theGlobalConfigurationHasAFieldAndHelpForEverySetting() throws Exception {
        String form = StepForms.resource(ImageTreeGlobalConfiguration.class, "config.jelly");
        for (String option : StepForms.options(ImageTreeGlobalConfiguration.class)) {
            assertThat(form).contains("field=\"" + option + "\"");
            assertThat(StepForms.resource(ImageTreeGlobalConfiguration.class, "help-" + option + ".html")).as(option).isNotBlank();
        }
    }
}
