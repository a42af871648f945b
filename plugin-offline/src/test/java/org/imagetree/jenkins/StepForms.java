package org.imagetree.jenkins;

import org.imagetree.testing.TestEnvironment;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

import java.beans.Introspector;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The plugin's steps and their options, found in its sources (so a new step is checked without being listed). */
final class StepForms {
    private StepForms() {}

    static List<Class<?>> steps() throws Exception {
        Path dir = TestEnvironment.repo().resolve("plugin/src/main/java/org/imagetree/jenkins");
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.sorted().toList()) {
                String name = f.getFileName().toString();
                if (!name.endsWith(".java")) continue;
                Class<?> c = Class.forName("org.imagetree.jenkins." + name.substring(0, name.length() - 5));
                if (Step.class.isAssignableFrom(c) && !Modifier.isAbstract(c.getModifiers())) out.add(c);
            }
        }
        return out;
    }

    /** Data-bound options: constructor parameters and {@code @DataBoundSetter}s, as Pipeline and the forms bind them. */
    static List<String> options(Class<?> step) {
        List<String> out = new ArrayList<>();
        for (Constructor<?> c : step.getConstructors()) {
            if (c.isAnnotationPresent(DataBoundConstructor.class)) for (Parameter p : c.getParameters()) out.add(p.getName());
        }
        for (Method m : step.getMethods()) {
            if (m.isAnnotationPresent(DataBoundSetter.class)) {
                String o = Introspector.decapitalize(m.getName().substring(3));
                if (!out.contains(o)) out.add(o);
            }
        }
        return out;
    }

    static String resource(Class<?> c, String file) throws Exception {
        try (var in = c.getClassLoader().getResourceAsStream(c.getName().replace('.', '/') + "/" + file)) {
            return in == null ? null : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
