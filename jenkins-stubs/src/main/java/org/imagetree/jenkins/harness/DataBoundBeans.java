package org.imagetree.jenkins.harness;

import org.kohsuke.stapler.DataBoundConstructor;

import java.beans.Introspector;
import java.lang.reflect.Method;
import java.util.Iterator;
import java.util.Objects;

/**
 * The offline harness's {@code JenkinsRule.assertEqualDataBoundBeans} (not a Jenkins class; jenkinsci/jenkins-test-harness
 * tag 2578.v44660312fd37, src/main/java/org/jvnet/hudson/test/JenkinsRule.java): two objects are equal when their
 * types have the same data-bound constructor and every data-bound property (constructor parameters and
 * {@code @DataBoundSetter}s, read through their public getters) is equal, nested data-bound objects and collections
 * compared the same way, element by element.
 */
public final class DataBoundBeans {
    private DataBoundBeans() {}

    /** Throws {@link AssertionError} naming the first property that differs. */
    public static void assertEqual(Object expected, Object actual) {
        String d = difference("", expected, actual);
        if (d != null) throw new AssertionError(d);
    }

    /** Null when equal, else the first property that differs (path: expected vs actual), properties in a fixed order. */
    public static String difference(Object expected, Object actual) {
        return difference("", expected, actual);
    }

    /** Every top-level data-bound property that differs (each as {@link #difference} reports it). */
    public static java.util.List<String> differences(Object expected, Object actual) {
        java.util.List<String> out = new java.util.ArrayList<>();
        if (expected == null || actual == null || expected.getClass() != actual.getClass()) {
            String d = difference(expected, actual);
            if (d != null) out.add(d);
            return out;
        }
        for (String p : DataBinding.properties(expected.getClass())) {
            String d = difference(p, get(expected, p), get(actual, p));
            if (d != null) out.add(d);
        }
        return out;
    }

    private static String difference(String path, Object lhs, Object rhs) {
        if (lhs == null && rhs == null) return null;
        if (lhs == null || rhs == null) return at(path) + "expected " + quote(lhs) + " but was " + quote(rhs);
        if (!dataBound(lhs.getClass()) && !dataBound(rhs.getClass())) {
            return Objects.equals(lhs, rhs) ? null : at(path) + "expected " + quote(lhs) + " but was " + quote(rhs);
        }
        if (lhs.getClass() != rhs.getClass()) return at(path) + "expected a " + lhs.getClass().getName() + " but was a " + rhs.getClass().getName();
        for (String p : DataBinding.properties(lhs.getClass())) {
            Object l = get(lhs, p);
            Object r = get(rhs, p);
            String sub = path.isEmpty() ? p : path + "." + p;
            if (l instanceof Iterable<?> li && r instanceof Iterable<?> ri) {
                Iterator<?> a = li.iterator();
                Iterator<?> b = ri.iterator();
                int i = 0;
                while (a.hasNext() && b.hasNext()) {
                    String d = difference(sub + "[" + i++ + "]", a.next(), b.next());
                    if (d != null) return d;
                }
                if (a.hasNext() || b.hasNext()) return at(sub) + "collection size mismatch: expected " + l + " but was " + r;
            } else {
                String d = difference(sub, l, r);
                if (d != null) return d;
            }
        }
        return null;
    }

    private static String at(String path) { return path.isEmpty() ? "" : path + ": "; }

    private static String quote(Object o) { return o instanceof String s ? "'" + s + "'" : String.valueOf(o); }

    private static boolean dataBound(Class<?> c) {
        for (var k : c.getConstructors()) if (k.isAnnotationPresent(DataBoundConstructor.class)) return true;
        return false;
    }

    /** The public getter ({@code getX} or {@code isX}) of property {@code name}. */
    static Object get(Object bean, String name) {
        String cap = name.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + name.substring(1);
        for (String prefix : new String[] {"get", "is"}) {
            try {
                Method m = bean.getClass().getMethod(prefix + cap);
                if (prefix.equals("is") && m.getReturnType() != boolean.class && m.getReturnType() != Boolean.class) continue;
                return m.invoke(bean);
            } catch (NoSuchMethodException e) {
                // the other prefix
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + name + " of " + bean.getClass().getName(), e);
            }
        }
        throw new IllegalStateException(bean.getClass().getName() + " has no public getter for its data-bound property " + name
                + " (" + Introspector.decapitalize(cap) + ")");
    }
}
