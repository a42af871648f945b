package org.imagetree.jenkins.harness;

import net.sf.json.JSONArray;
import net.sf.json.JSONObject;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

import java.beans.Introspector;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The offline harness's form data binding (not a Jenkins class): what Stapler's {@code RequestImpl.bindJSON} does with a
 * structured form submission (jenkinsci/stapler tag 2076.v1b_a_c12445eb_e, core/src/main/java/org/kohsuke/stapler/
 * RequestImpl.java: {@code TypePair.convertJSON}, {@code instantiate}, {@code injectSetters}; the converters registered
 * in Stapler.java and commons-beanutils' defaults), so a form round trip here ends in the object Jenkins would build:
 * <ul>
 *   <li>a JSON object becomes the declared type (or the one its {@code $class}/{@code stapler-class} names): its
 *       {@code @DataBoundConstructor} gets the values of its parameters' names (absent: null, 0, false), then every
 *       other key with a public {@code @DataBoundSetter} (or an {@code @DataBoundSetter} field) is set;</li>
 *   <li>scalars are converted as beanutils' {@code ConvertUtilsBean} with Stapler's registrations does: a blank string
 *       is 0 for {@code int} and {@code long} and null for {@code Integer}, {@code Float}, {@code Double}; a boolean
 *       is {@code true} only for "true", "yes", "y", "on" or "1", and <em>false for anything else, the empty string
 *       included, even for a {@link Boolean}</em> (beanutils' BooleanConverter defaults to false);</li>
 *   <li>a collection takes a JSON array element by element (nulls dropped), a single value as one element.</li>
 * </ul>
 * Not emulated: bind interceptors (Jenkins routes nested objects through their descriptors' {@code newInstance}
 * overrides), {@code @PostConstruct}, {@code DataBoundResolvable}; the harness fails loudly on types it does not know.
 */
public final class DataBinding {
    private DataBinding() {}

    /** {@code req.bindJSON(type, src)}. */
    public static <T> T bind(Class<T> type, JSONObject src) {
        return type.cast(convert(type, type, src));
    }

    static Object convert(Type genericType, Class<?> type, Object o) {
        if (o == null) return vmDefault(type);
        if (type == JSONObject.class && o instanceof JSONObject) return o;
        if (type == JSONArray.class) {
            if (o instanceof JSONArray) return o;
            JSONArray a = new JSONArray();
            a.add(o);
            return a;
        }
        Class<?> item = collectionItem(type, genericType);
        if (o instanceof JSONObject j) {
            if (item == null) return instantiate(subType(type, j), j);
            Collection<Object> c = newCollection(type);
            Object v = convert(item, item, j);
            if (v != null) c.add(v);
            return c;
        }
        if (o instanceof JSONArray a) {
            if (item == null) throw new IllegalArgumentException("Got type array but no lister class found for type " + type);
            Collection<Object> c = newCollection(type);
            for (int i = 0; i < a.size(); i++) {
                Object v = convert(item, item, a.get(i));
                if (v != null) c.add(v);
            }
            return c;
        }
        if (item != null) {
            Collection<Object> c = newCollection(type);
            Object v = scalar(item, o);
            if (v != null) c.add(v);
            return c;
        }
        return scalar(type, o);
    }

    private static Class<?> subType(Class<?> type, JSONObject j) {
        Object name = j.has("$class") ? j.get("$class") : j.has("stapler-class") ? j.get("stapler-class") : null;
        if (name == null) return type;
        try {
            Class<?> sub = Class.forName(name.toString(), false, type.getClassLoader());
            if (!type.isAssignableFrom(sub)) throw new IllegalArgumentException("Specified type " + sub + " is not assignable to the expected " + type);
            return sub;
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("Class " + name + " is specified in JSON, but no such class found", e);
        }
    }

    private static Object instantiate(Class<?> type, JSONObject j) {
        Constructor<?> c = null;
        for (Constructor<?> k : type.getConstructors()) if (k.isAnnotationPresent(DataBoundConstructor.class)) c = k;
        if (c == null) {
            try {
                c = type.getConstructor();
            } catch (NoSuchMethodException e) {
                throw new IllegalArgumentException(type + " has no @DataBoundConstructor (the offline harness binds only data-bound types)");
            }
        }
        Set<String> names = new HashSet<>();
        Object[] args = new Object[c.getParameterCount()];
        for (int i = 0; i < args.length; i++) {
            java.lang.reflect.Parameter p = c.getParameters()[i];
            if (!p.isNamePresent()) throw new IllegalStateException(c + ": parameter names are missing (compile with -parameters)");
            names.add(p.getName());
            args[i] = convert(p.getParameterizedType(), p.getType(), j.get(p.getName()));
        }
        Object r;
        try {
            r = c.newInstance(args);
        } catch (InvocationTargetException e) {
            throw launder(e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("Failed to instantiate " + type + " from " + j, e);
        }
        for (String key : j.keySet()) {
            if (names.contains(key)) continue;
            Field f = dataBoundField(type, key);
            try {
                if (f != null) {
                    f.setAccessible(true);
                    f.set(r, convert(f.getGenericType(), f.getType(), j.get(key)));
                    continue;
                }
                Method m = dataBoundSetter(type, key);
                if (m != null) m.invoke(r, convert(m.getGenericParameterTypes()[0], m.getParameterTypes()[0], j.get(key)));
            } catch (InvocationTargetException e) {
                throw launder(e);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return r;
    }

    private static RuntimeException launder(InvocationTargetException e) {
        Throwable t = e.getTargetException();
        if (t instanceof RuntimeException re) return re;
        if (t instanceof Error er) throw er;
        return new IllegalArgumentException(t);
    }

    private static Field dataBoundField(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                if (f.isAnnotationPresent(DataBoundSetter.class)) return f;
            } catch (NoSuchFieldException e) {
                // the superclass, then
            }
        }
        return null;
    }

    /** As RequestImpl.findDataBoundSetter: a public one-argument {@code set*} method with {@code @DataBoundSetter}. */
    static Method dataBoundSetter(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (!Modifier.isPublic(m.getModifiers()) || !m.getName().startsWith("set") || m.getParameterCount() != 1
                        || !m.isAnnotationPresent(DataBoundSetter.class)) continue;
                if (name.equals(Introspector.decapitalize(m.getName().substring(3)))) return m;
            }
        }
        return null;
    }

    private static Class<?> collectionItem(Class<?> type, Type genericType) {
        if (type.isArray()) return type.getComponentType();
        if (!Collection.class.isAssignableFrom(type)) return null;
        if (genericType instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof Class<?> c) return c;
        return Object.class;
    }

    private static Collection<Object> newCollection(Class<?> type) {
        if (type.isArray()) throw new IllegalArgumentException("the offline harness does not bind arrays (" + type + ")");
        if (Set.class.isAssignableFrom(type)) return new LinkedHashSet<>();
        return new ArrayList<>();
    }

    private static final Set<String> TRUE = Set.of("true", "yes", "y", "on", "1");

    /** A JSON scalar (string, boolean, number) as Stapler's converters turn it into {@code type}. */
    static Object scalar(Class<?> type, Object o) {
        String s = o.toString().strip();
        if (type == String.class) return o.toString();
        if (type == Object.class) return o;
        if (type == boolean.class || type == Boolean.class) {
            if (o instanceof Boolean b) return b;
            return TRUE.contains(s.toLowerCase(Locale.ROOT));
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class
                || type == short.class || type == Short.class) {
            Long n = number(o, s);
            boolean nullable = type == Integer.class;
            if (n == null) return nullable ? null : type == int.class || type == Integer.class ? (Object) 0
                    : type == short.class || type == Short.class ? (Object) (short) 0 : (Object) 0L;
            if (type == int.class || type == Integer.class) return n.intValue();
            if (type == short.class || type == Short.class) return n.shortValue();
            return n;
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            Double d;
            try {
                d = o instanceof Number num ? num.doubleValue() : s.isEmpty() ? null : Double.valueOf(s);
            } catch (NumberFormatException e) {
                d = null;
            }
            boolean nullable = type == Double.class || type == Float.class;
            if (d == null) return nullable ? null : type == double.class ? (Object) 0d : (Object) 0f;
            return type == double.class || type == Double.class ? (Object) d : (Object) d.floatValue();
        }
        if (type.isEnum()) {
            @SuppressWarnings({"unchecked", "rawtypes"})
            Object e = Enum.valueOf((Class) type, o.toString());
            return e;
        }
        throw new IllegalArgumentException("Unable to convert to " + type + " (the offline harness knows no converter for it)");
    }

    private static Long number(Object o, String s) {
        if (o instanceof Number n) return n.longValue();
        if (s.isEmpty()) return null;
        try {
            return Long.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Object vmDefault(Class<?> type) {
        if (!type.isPrimitive()) return null;
        if (type == boolean.class) return false;
        if (type == int.class) return 0;
        if (type == long.class) return 0L;
        if (type == short.class) return (short) 0;
        if (type == byte.class) return (byte) 0;
        if (type == char.class) return (char) 0;
        if (type == double.class) return 0d;
        if (type == float.class) return 0f;
        throw new IllegalArgumentException(type.toString());
    }

    /** The data-bound properties of {@code type}: constructor parameters, then setters (as JenkinsRule compares them). */
    static List<String> properties(Class<?> type) {
        List<String> out = new ArrayList<>();
        for (Constructor<?> k : type.getConstructors()) {
            if (k.isAnnotationPresent(DataBoundConstructor.class)) for (java.lang.reflect.Parameter p : k.getParameters()) out.add(p.getName());
        }
        List<String> setters = new ArrayList<>();
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (Modifier.isPublic(m.getModifiers()) && m.getName().startsWith("set") && m.getParameterCount() == 1
                        && m.isAnnotationPresent(DataBoundSetter.class)) {
                    String n = Introspector.decapitalize(m.getName().substring(3));
                    if (!out.contains(n) && !setters.contains(n)) setters.add(n);
                }
            }
        }
        setters.sort(null); // getDeclaredMethods has no order: sorted, so the first difference is always the same one
        out.addAll(setters);
        return out;
    }
}
