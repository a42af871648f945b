package org.imagetree.jenkins.harness;

import hudson.model.Descriptor;
import hudson.util.ListBoxModel;
import net.sf.json.JSONArray;
import net.sf.json.JSONObject;
import org.kohsuke.stapler.QueryParameter;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The offline harness's form round trip (not a Jenkins class): a describable's {@code config.jelly} rendered for an
 * instance and submitted the way Jenkins' form tags and its browser side submit it, then bound back through the
 * descriptor ({@code Descriptor.newInstance}, Stapler's data binding: {@link DataBinding}). It is what
 * {@code StepConfigTester.configRoundTrip} does in a JenkinsRule test, read from (jenkinsci/jenkins tag
 * jenkins-2.555.3) core/src/main/resources/lib/form/*.jelly and war/src/main/webapp/scripts/hudson-behavior.js
 * ({@code buildFormTree}, {@code findFormParent}), lib/form/select/select.js ({@code updateListBox}), and
 * Jenkins' JEXL, whose {@code a ?: b} gives {@code b} only when {@code a} is null (jenkinsci/jexl tag
 * 1.1-jenkins-20111212, ASTElvisNode):
 * <ul>
 *   <li>{@code f:textbox}, {@code f:number}, {@code f:textarea}: the value is {@code @value ?: instance[field] ?:
 *       @default} (else empty), submitted as a string: <b>a textbox {@code default} turns an unset (null) option into
 *       that value</b>;</li>
 *   <li>{@code f:checkbox}: checked when {@code @checked ?: instance[field] ?: @default} is true; submitted as a
 *       boolean;</li>
 *   <li>{@code f:select}: the descriptor's {@code doFill<Field>Items} ({@link QueryParameter}s from the instance) gives
 *       the options; the one the server marks selected, else the one equal to the current value, else the first, is
 *       submitted; {@code c:select} (credentials) lists the empty choice and the credentials given to
 *       {@link #roundTrip(Object, Descriptor, Set)}, as docker-commons' registry form lists what the store holds;</li>
 *   <li>{@code f:property field}: a row set named after the field, always submitted: <b>an unset nested object comes
 *       back as an object with empty fields</b>; {@code f:optionalProperty field} (an {@code f:optionalBlock}): its
 *       fields are submitted only when its checkbox is checked, which it is when {@code instance[field] != null};</li>
 *   <li>{@code f:entry}, {@code f:section}, {@code f:advanced}: containers (the fields under "Advanced" are submitted
 *       too). Names {@code _.x} become {@code x}; a name given twice becomes an array.</li>
 * </ul>
 * A tag or expression it does not know fails the round trip instead of being skipped.
 */
public final class OfflineForms {
    private OfflineForms() {}

    private static final String FORM = "/lib/form";
    private static final String CORE = "jelly:core";
    private static final String CREDENTIALS = "/lib/credentials";

    /** The instance after a configuration round trip: its form rendered, submitted and bound by {@code descriptor}. */
    public static <T> T roundTrip(T instance, Descriptor<?> descriptor, Set<String> credentialIds) {
        JSONObject form = submit(instance, descriptor, credentialIds);
        try {
            @SuppressWarnings("unchecked")
            T back = (T) descriptor.newInstance(OfflineStapler.request("POST", Map.of()), form);
            return back;
        } catch (Descriptor.FormException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The structured form submission ({@code json}) of {@code instance}'s configuration form. */
    public static JSONObject submit(Object instance, Descriptor<?> descriptor, Set<String> credentialIds) {
        Form f = new Form(credentialIds);
        f.render(page(descriptor.clazz), new Scope(instance, descriptor, descriptor.clazz, null), f.root);
        return f.root;
    }

    /** {@code <type's resource directory>/config.jelly}, as Jenkins finds a descriptor's config page. */
    private static Element page(Class<?> type) {
        String path = type.getName().replace('.', '/').replace('$', '/') + "/config.jelly";
        try (InputStream in = type.getClassLoader().getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("no " + path + " for " + type.getName());
            byte[] bytes = in.readAllBytes();
            List<String> bad = JellyScripts.check(path, bytes).problems();
            if (!bad.isEmpty()) throw new IllegalStateException("Stapler cannot compile " + String.join("; ", bad));
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return f.newDocumentBuilder().parse(new java.io.ByteArrayInputStream(bytes)).getDocumentElement();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + path + ": " + e, e);
        }
    }

    /** What the Jelly variables are at a point of the page: {@code instance}, {@code descriptor}, the entry's field. */
    private record Scope(Object instance, Object descriptor, Class<?> describable, String field) {
        Scope withField(String f) { return new Scope(instance, descriptor, describable, f); }
    }

    private static final class Form {
        final JSONObject root = new JSONObject();
        final Set<String> credentialIds;

        Form(Set<String> credentialIds) { this.credentialIds = credentialIds; }

        void render(Element e, Scope s, JSONObject group) {
            for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element c) tag(c, s, group);
            }
        }

        private void tag(Element e, Scope s, JSONObject group) {
            String ns = e.getNamespaceURI() == null ? "" : e.getNamespaceURI();
            String tag = e.getLocalName();
            if (ns.equals(CORE) && tag.equals("jelly")) { render(e, s, group); return; }
            if (ns.equals(CREDENTIALS) && tag.equals("select")) { select(e, s, group, true); return; }
            if (!ns.equals(FORM)) throw unsupported(e);
            switch (tag) {
                case "section" -> render(e, s, attr(e, "name") == null ? group : child(group, attr(e, "name")));
                case "advanced" -> render(e, s, group);
                case "entry" -> render(e, s.withField(attr(e, "field") != null ? attr(e, "field") : s.field()), group);
                case "textbox", "number", "textarea", "password" -> text(e, s, group);
                case "checkbox" -> add(group, name(e, s), checked(e, s));
                case "select" -> select(e, s, group, false);
                case "property" -> property(attr(e, "field"), s, child(group, attr(e, "field")));
                case "optionalProperty" -> {
                    String field = attr(e, "field");
                    if (get(s.instance(), field) != null) property(field, s, child(group, "_." + field));
                }
                case "optionalBlock" -> {
                    if (attr(e, "title") == null) throw unsupported(e);
                    String field = attr(e, "field");
                    String name = attr(e, "name") != null ? attr(e, "name") : "_." + field;
                    Object checked = elvis(expr(e, "checked", s), field == null ? null : get(s.instance(), field), expr(e, "default", s));
                    if (truthy(checked)) render(e, s, child(group, name));
                }
                default -> throw unsupported(e);
            }
        }

        private static IllegalStateException unsupported(Element e) {
            return new IllegalStateException("config.jelly uses <" + e.getTagName() + ">, which the offline harness does not emulate; "
                    + "extend org.imagetree.jenkins.harness.OfflineForms the way Jenkins' tag submits it");
        }

        private String name(Element e, Scope s) {
            String field = attr(e, "field") != null ? attr(e, "field") : s.field();
            return attr(e, "name") != null ? attr(e, "name") : "_." + field;
        }

        private String field(Element e, Scope s) { return attr(e, "field") != null ? attr(e, "field") : s.field(); }

        private void text(Element e, Scope s, JSONObject group) {
            Object value = elvis(expr(e, "value", s), get(s.instance(), field(e, s)), expr(e, "default", s));
            add(group, name(e, s), value == null ? "" : value.toString());
        }

        private Object checked(Element e, Scope s) {
            Object value = elvis(expr(e, "checked", s), get(s.instance(), field(e, s)), expr(e, "default", s));
            boolean b = truthy(value);
            return attr(e, "negative") != null ? !b : b;
        }

        private void select(Element e, Scope s, JSONObject group, boolean credentials) {
            String field = field(e, s);
            Object value = elvis(expr(e, "value", s), get(s.instance(), field), expr(e, "default", s));
            String current = value == null ? "" : value.toString();
            ListBoxModel options;
            if (credentials) {
                options = new ListBoxModel();
                options.add("- none -", "");
                for (String id : credentialIds) options.add(id, id);
            } else {
                options = fill(s, field);
            }
            String submitted;
            if (options == null) {
                submitted = current; // no fill method: the select holds only the current value
            } else {
                submitted = options.isEmpty() ? "" : options.get(0).value;
                boolean forced = false;
                for (ListBoxModel.Option o : options) {
                    if (o.selected) { submitted = o.value; forced = true; }
                }
                if (!forced) for (ListBoxModel.Option o : options) if (o.value.equals(current)) submitted = o.value;
            }
            add(group, attr(e, "name") != null ? attr(e, "name") : "_." + field, submitted);
        }

        /** The descriptor's {@code doFill<Field>Items}, its query parameters taken from the instance; null when it has none. */
        private ListBoxModel fill(Scope s, String field) {
            if (s.descriptor() == null) return null;
            String wanted = "doFill" + Character.toUpperCase(field.charAt(0)) + field.substring(1) + "Items";
            for (Method m : s.descriptor().getClass().getMethods()) {
                if (!m.getName().equals(wanted)) continue;
                Object[] args = new Object[m.getParameterCount()];
                for (int i = 0; i < args.length; i++) {
                    Parameter p = m.getParameters()[i];
                    QueryParameter q = p.getAnnotation(QueryParameter.class);
                    if (q == null) throw new IllegalStateException(m + ": the offline harness fills selects with @QueryParameter only");
                    Object v = get(s.instance(), q.value().isEmpty() ? p.getName() : q.value());
                    args[i] = DataBinding.convert(p.getType(), p.getType(), v == null ? null : v.toString());
                }
                try {
                    return (ListBoxModel) m.invoke(s.descriptor(), args);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot fill " + field + ": " + e, e);
                }
            }
            return null;
        }

        /** The nested describable of {@code field}: its own config.jelly, with its instance and descriptor. */
        private void property(String field, Scope s, JSONObject group) {
            Class<?> type = propertyType(s.describable(), field);
            Object nested = get(s.instance(), field);
            Object descriptor = null;
            for (Class<?> k : type.getDeclaredClasses()) {
                if (k.getSimpleName().equals("DescriptorImpl")) {
                    try {
                        descriptor = k.getDeclaredConstructor().newInstance();
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        descriptor = null; // a descriptor that needs Jenkins: selects without fill methods then
                    }
                }
            }
            render(page(type), new Scope(nested, descriptor, type, null), group);
        }
    }

    /**
     * The {@code ${%...}} messages in a piece of Jelly text that Stapler would not compile (jenkinsci/stapler tag
     * 2076.v1b_a_c12445eb_e, jelly/.../InternationalizedStringExpression.java): a {@code (} in a message starts its
     * arguments, each compiled as an expression, so {@code ${%Tags (one per line)}} makes the whole page fail to load.
     * Expressions are found as Jelly finds them ({@link JellyScripts#split}).
     */
    public static List<String> unparsableMessages(String jelly) {
        List<String> bad = new java.util.ArrayList<>();
        for (String x : JellyScripts.split(jelly, bad::add)) {
            if (!x.startsWith("%")) continue;
            String why = JellyScripts.message(x);
            if (why != null) bad.add("${" + x + "}: " + why);
        }
        return bad;
    }

    /** Adds as buildFormTree's addProperty does: the short name, and a second value under a name makes an array. */
    private static void add(JSONObject group, String name, Object value) {
        String key = shorten(name);
        if (group.has(key)) {
            Object prev = group.get(key);
            JSONArray a;
            if (prev instanceof JSONArray pa) {
                a = pa;
            } else {
                a = new JSONArray();
                a.add(prev);
            }
            a.add(value);
            group.element(key, a);
        } else {
            group.element(key, value);
        }
    }

    /** A grouping node: a nested object under the short name. */
    private static JSONObject child(JSONObject group, String name) {
        JSONObject o = new JSONObject();
        add(group, name, o);
        return o;
    }

    private static String shorten(String name) {
        if (name.startsWith("[")) return name.substring(1, name.length() - 1);
        int i = name.lastIndexOf('.');
        return i >= 0 ? name.substring(i + 1) : name;
    }

    private static String attr(Element e, String name) { return e.hasAttribute(name) ? e.getAttribute(name) : null; }

    /** JEXL's {@code a ?: b ?: c}: the first non-null. */
    private static Object elvis(Object... values) {
        for (Object v : values) if (v != null) return v;
        return null;
    }

    /** JEXL's truth: a Boolean as it is, a string when it says "true", anything else false. */
    private static boolean truthy(Object v) {
        if (v instanceof Boolean b) return b;
        if (v instanceof String s) return Boolean.parseBoolean(s.strip());
        return false;
    }

    private static final Pattern EXPR = Pattern.compile("\\$\\{(.*)}");
    private static final Pattern CALL = Pattern.compile("descriptor\\.(\\w+)\\((.*)\\)");
    private static final Pattern PROPERTY = Pattern.compile("instance\\.(\\w+)");
    private static final Pattern INDEX = Pattern.compile("instance\\[(\\w+)]");

    /** An attribute's value: literal text, or one of the few expressions the plugin's forms use. */
    private static Object expr(Element e, String name, Scope s) {
        String v = attr(e, name);
        if (v == null) return null;
        Matcher m = EXPR.matcher(v.strip());
        if (!m.matches()) {
            if (v.contains("${")) throw new IllegalStateException("the offline harness cannot evaluate " + name + "=\"" + v + "\"");
            return v;
        }
        return eval(m.group(1).strip(), s, e);
    }

    private static Object eval(String x, Scope s, Element e) {
        Matcher m;
        if ((m = CALL.matcher(x)).matches()) {
            Object arg = m.group(2).isBlank() ? null : eval(m.group(2).strip(), s, e);
            for (Method method : s.descriptor().getClass().getMethods()) {
                if (method.getName().equals(m.group(1)) && method.getParameterCount() == (m.group(2).isBlank() ? 0 : 1)) {
                    try {
                        return m.group(2).isBlank() ? method.invoke(s.descriptor()) : method.invoke(s.descriptor(), arg);
                    } catch (ReflectiveOperationException ex) {
                        throw new IllegalStateException("cannot evaluate ${" + x + "}: " + ex, ex);
                    }
                }
            }
            throw new IllegalStateException("${" + x + "}: the descriptor has no such method");
        }
        if ((m = PROPERTY.matcher(x)).matches()) return get(s.instance(), m.group(1));
        if ((m = INDEX.matcher(x)).matches() && m.group(1).equals("field")) return get(s.instance(), s.field());
        if (x.equals("instance[field]!=null") || x.equals("instance[field] != null")) return get(s.instance(), s.field()) != null;
        throw new IllegalStateException("the offline harness cannot evaluate ${" + x + "} in <" + e.getTagName() + ">");
    }

    /** {@code instance[name]}: the property through its public getter (null for a null instance, as in JEXL). */
    static Object get(Object instance, String name) {
        if (instance == null || name == null) return null;
        return DataBoundBeans.get(instance, name);
    }

    /** The declared type of property {@code field} of {@code type} (its getter's return type), as getPropertyType. */
    private static Class<?> propertyType(Class<?> type, String field) {
        String cap = field.substring(0, 1).toUpperCase(Locale.ROOT) + field.substring(1);
        for (String prefix : new String[] {"get", "is"}) {
            try {
                return type.getMethod(prefix + cap).getReturnType();
            } catch (NoSuchMethodException e) {
                // next
            }
        }
        throw new IllegalStateException(type.getName() + " has no property " + field);
    }
}
