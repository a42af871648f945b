package org.imagetree.jenkins;

import hudson.model.Descriptor;
import org.imagetree.jenkins.harness.DataBoundBeans;
import org.imagetree.jenkins.harness.OfflineForms;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every step through its configuration form and back, as Jenkins' form tags submit it and Stapler binds it (the
 * offline harness's OfflineForms): the same cases ({@link FormRoundTrips}) as ImageTreeStepsTest asserts with
 * JenkinsRule's {@code StepConfigTester}.
 */
class FormRoundTripTest {
    static Descriptor<?> descriptorOf(Object step) throws Exception {
        for (Class<?> k : step.getClass().getDeclaredClasses()) {
            if (k.getSimpleName().equals("DescriptorImpl")) return (Descriptor<?>) k.getDeclaredConstructor().newInstance();
        }
        throw new AssertionError(step.getClass() + " has no DescriptorImpl");
    }

    @Test
    void everyStepComesBackFromItsFormAsItWent() throws Exception {
        List<String> differences = new ArrayList<>();
        for (FormRoundTrips.Case c : FormRoundTrips.cases()) {
            Object back = OfflineForms.roundTrip(c.step(), descriptorOf(c.step()), FormRoundTrips.LISTED_CREDENTIALS);
            String d = DataBoundBeans.difference(c.step(), back);
            if (d != null) differences.add(c.name() + ": " + d);
        }
        assertThat(differences).isEmpty();
    }

    @Test
    void everyStepIsACase() throws Exception {
        List<Class<?>> covered = new ArrayList<>();
        for (FormRoundTrips.Case c : FormRoundTrips.cases()) covered.add(c.step().getClass());
        assertThat(covered).containsAll(StepForms.steps());
    }
}
