package org.imagetree.jenkins;

import net.sf.json.JSONArray;
import net.sf.json.JSONObject;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the step forms (Snippet Generator, classic configuration) submit, turned into what the steps' data binding
 * expects, so a form round trip gives back the same step:
 * <ul>
 *   <li>a tri-state {@link Boolean} option is a select ({@code ""} = unset, {@code "true"}, {@code "false"}):
 *       {@code ""} becomes an absent value (null), never {@code false} as a checkbox would make it;</li>
 *   <li>a {@code List<String>} option is a text area, one entry per line: it becomes a JSON array (blank lines
 *       dropped; an empty area is an absent value).</li>
 * </ul>
 * The options are found on the step class itself ({@link DataBoundSetter} setters and {@link DataBoundConstructor}
 * parameters), so every step, including new ones, gets this without listing its fields.
 */
final class FormFields {
    private FormFields() {}

    enum Kind { TRI_STATE, LIST }

    /** The step's tri-state and list options by name. */
    static Map<String, Kind> of(Class<?> step) {
        Map<String, Kind> out = new HashMap<>();
        for (Class<?> c = step; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (!m.isAnnotationPresent(DataBoundSetter.class) || m.getParameterCount() != 1 || !m.getName().startsWith("set")) continue;
                String name = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
                kind(m.getParameterTypes()[0]).ifPresent(k -> out.putIfAbsent(name, k));
            }
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (!k.isAnnotationPresent(DataBoundConstructor.class)) continue;
                for (Parameter p : k.getParameters()) {
                    if (p.isNamePresent()) kind(p.getType()).ifPresent(kd -> out.putIfAbsent(p.getName(), kd));
                }
            }
        }
        return out;
    }

    private static java.util.Optional<Kind> kind(Class<?> type) {
        if (type == Boolean.class) return java.util.Optional.of(Kind.TRI_STATE);
        if (List.class.isAssignableFrom(type)) return java.util.Optional.of(Kind.LIST);
        return java.util.Optional.empty();
    }

    /** Normalizes {@code form} in place for {@code step}'s options and returns it. */
    static JSONObject normalize(Class<?> step, JSONObject form) {
        for (Map.Entry<String, Kind> e : of(step).entrySet()) {
            String name = e.getKey();
            if (!form.has(name) || !(form.get(name) instanceof String value)) continue;
            if (e.getValue() == Kind.TRI_STATE) {
                if (value.isBlank()) form.remove(name);
                else form.element(name, Boolean.valueOf(value.strip()));
            } else {
                JSONArray list = new JSONArray();
                for (String line : value.split("\\R")) if (!line.isBlank()) list.add(line.strip());
                if (list.size() == 0) form.remove(name);
                else form.element(name, list);
            }
        }
        return form;
    }

    /** A list option as the text area shows it: one entry per line (empty for none). */
    static String lines(List<String> values) {
        return values == null ? "" : String.join("\n", values);
    }
}
