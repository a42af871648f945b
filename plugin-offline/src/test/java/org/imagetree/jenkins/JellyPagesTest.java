package org.imagetree.jenkins;

import org.imagetree.jenkins.harness.JellyScripts;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Attr;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every Jelly page, help file and message file the plugin ships (plugin/src/main/resources, found on disk, so a new
 * page is checked without being listed) as Jenkins would need it, so what the hpi build's InjectedTest or the first
 * page view in Jenkins would reject fails here first:
 * <ul>
 *   <li>every page compiles as Stapler compiles it and passes InjectedTest's checks ({@link JellyScripts});</li>
 *   <li>every tag is one Jenkins 2.555.3 has, with attributes it declares ({@link #TAGS}): Jelly ignores a misspelt
 *       attribute and renders an unknown tag of a tag library as nothing, silently;</li>
 *   <li>every expression names what exists: {@code it}, {@code instance}, {@code descriptor} and {@code j:forEach}
 *       variables resolved against the plugin's classes, property by property (JEXL renders a missing property as
 *       nothing, silently);</li>
 *   <li>every form field is a data-bound property ({@code @DataBoundConstructor} parameter or {@code @DataBoundSetter})
 *       with a getter, in the control its type binds from, with its help file; every select has its fill method;
 *       every help file belongs to a field of the form or to the descriptor;</li>
 *   <li>every help file is a well-formed fragment of a class's directory (help is served as it is); every message file
 *       loads as InjectedTest's testProperties loads it (no key twice, ASCII or UTF-8) and has every key the code
 *       asks for, with no MessageFormat syntax (the hpi's generated {@code Messages} formats them).</li>
 * </ul>
 */
class JellyPagesTest {
    private static final Path RESOURCES = TestEnvironment.repo().resolve("plugin/src/main/resources");

    /**
     * The tags the plugin's pages may use and their attributes, read from jenkinsci/jenkins tag jenkins-2.555.3 (the
     * {@code <st:attribute>} declarations of core/src/main/resources/lib/form, lib/layout and lib/hudson), Jelly's
     * core tags (jenkinsci/jelly tag commons-jelly-1.1-jenkins-20250731: the setters of IfTag and ForEachTag) and
     * Stapler's include (jenkinsci/stapler tag 2076.v1b_a_c12445eb_e, IncludeTag). A tag not listed here fails the
     * test until it is read there and added.
     */
    static final Map<String, Map<String, Set<String>>> TAGS = Map.of(
            "/lib/form", Map.ofEntries(
                    Map.entry("entry", Set.of("title", "field", "description", "class", "help")),
                    Map.entry("textbox", Set.of("field", "autoCompleteField", "name", "value", "default", "clazz", "placeholder",
                            "checkMessage", "checkUrl", "checkDependsOn", "checkMethod", "autoCompleteUrl", "autoCompleteDelimChar")),
                    Map.entry("textarea", Set.of("field", "name", "value", "default", "checkMessage", "checkUrl", "checkMethod",
                            "codemirror-mode", "codemirror-config", "previewEndpoint")),
                    Map.entry("checkbox", Set.of("name", "checked", "value", "json", "default", "id", "onclick", "class", "negative",
                            "readonly", "field", "title", "tooltip", "description")),
                    Map.entry("number", Set.of("field", "name", "value", "default", "min", "max", "clazz", "checkMessage", "checkUrl",
                            "checkMethod")),
                    Map.entry("select", Set.of("clazz", "field", "default", "checkMessage", "checkUrl", "checkMethod")),
                    Map.entry("password", Set.of("field", "name", "value", "clazz", "checkMessage", "checkUrl")),
                    Map.entry("optionalProperty", Set.of("field", "title", "help")),
                    Map.entry("property", Set.of("field", "propertyDescriptor")),
                    Map.entry("optionalBlock", Set.of("name", "title", "field", "checked", "help", "negative", "inline")),
                    Map.entry("advanced", Set.of("title")),
                    Map.entry("section", Set.of("title", "description", "icon", "name"))),
            "/lib/layout", Map.of(
                    "layout", Set.of("title", "norefresh", "css", "permission", "permissions", "type", "nogrid"),
                    "main-panel", Set.of()),
            "/lib/hudson", Map.of("summary", Set.of("icon", "href", "iconOnly", "permission")),
            "jelly:core", Map.of(
                    "jelly", Set.of(),
                    "if", Set.of("test"),
                    "forEach", Set.of("items", "var", "indexVar", "begin", "end", "step", "varStatus")),
            "jelly:stapler", Map.of("include", Set.of("it", "page", "from", "class", "optional")));

    /** Form controls: the tags that submit a field's value. */
    private static final Set<String> CONTROLS = Set.of("textbox", "textarea", "checkbox", "number", "select", "password");

    private static List<Path> shipped(String suffix) throws Exception {
        try (Stream<Path> s = Files.walk(RESOURCES)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    /** The class whose views live in {@code dir} (Stapler looks them up by class name), or null (the plugin's own index). */
    private static Class<?> owner(Path dir) throws ClassNotFoundException {
        Path rel = RESOURCES.relativize(dir);
        if (rel.toString().isEmpty()) return null;
        return Class.forName(rel.toString().replace('/', '.'));
    }

    private static String name(Path f) { return RESOURCES.relativize(f).toString(); }

    @Test
    void everyPageCompilesUsesOnlyKnownTagsAndNamesOnlyWhatExists() throws Exception {
        List<Path> pages = shipped(".jelly");
        assertThat(pages).hasSizeGreaterThanOrEqualTo(14);
        List<String> problems = new ArrayList<>();
        for (Path f : pages) {
            JellyScripts.Page page = JellyScripts.check(name(f), Files.readAllBytes(f));
            problems.addAll(page.problems());
            if (page.document() == null) continue;
            Class<?> owner;
            try {
                owner = owner(f.getParent());
            } catch (ClassNotFoundException e) {
                problems.add(name(f) + ": no class " + e.getMessage() + " for Stapler to find this view by");
                continue;
            }
            new PageCheck(name(f), variables(owner, f), problems).element(page.document().getDocumentElement(), null);
        }
        assertThat(problems).isEmpty();
    }

    /** The variables a page starts with, as Jenkins sets them. */
    private static Map<String, Type> variables(Class<?> owner, Path f) throws Exception {
        Map<String, Type> vars = new HashMap<>();
        if (owner == null) return vars;
        if (f.getFileName().toString().equals("config.jelly")) {
            // Descriptor.getConfigPage: instance is the describable being configured (null for a new one), descriptor its
            // descriptor; a GlobalConfiguration is its own descriptor and instance.
            vars.put("instance", owner);
            vars.put("descriptor", hudson.model.Descriptor.class.isAssignableFrom(owner) ? owner : descriptorClass(owner));
        } else {
            vars.put("it", owner);
        }
        return vars;
    }

    private static Class<?> descriptorClass(Class<?> describable) {
        for (Class<?> k : describable.getDeclaredClasses()) if (k.getSimpleName().equals("DescriptorImpl")) return k;
        throw new AssertionError(describable.getName() + " has a config.jelly but no DescriptorImpl");
    }

    /** Walks one page, keeping the variables j:forEach adds and the field f:entry sets. */
    private record PageCheck(String page, Map<String, Type> vars, List<String> problems) {
        void element(Element e, String field) {
            String ns = e.getNamespaceURI();
            String tag = e.getLocalName();
            Map<String, Type> inner = vars;
            if (ns != null) {
                Map<String, Set<String>> lib = TAGS.get(ns);
                Set<String> attributes = lib == null ? null : lib.get(tag);
                if (attributes == null) {
                    problems.add(page + ": <" + e.getTagName() + "> is no tag this test knows from Jenkins 2.555.3 (read it there and add it to TAGS)");
                } else {
                    NamedNodeMap attrs = e.getAttributes();
                    for (int i = 0; i < attrs.getLength(); i++) {
                        String a = ((Attr) attrs.item(i)).getName();
                        if (!a.startsWith("xmlns") && !attributes.contains(a)) {
                            problems.add(page + ": <" + e.getTagName() + "> has no attribute '" + a + "' in Jenkins 2.555.3 (Jelly would ignore it)");
                        }
                    }
                }
                if ("/lib/form".equals(ns) && e.hasAttribute("field")) field = e.getAttribute("field");
            }
            NamedNodeMap attrs = e.getAttributes();
            for (int i = 0; i < attrs.getLength(); i++) {
                Attr a = (Attr) attrs.item(i);
                if (!a.getName().startsWith("xmlns")) expressions("<" + e.getTagName() + " " + a.getName() + ">", a.getValue(), field);
            }
            if ("jelly:core".equals(ns) && tag.equals("forEach")) {
                Type items = single(e.getAttribute("items"), field);
                inner = new HashMap<>(vars);
                inner.put(e.getAttribute("var"), items == null ? null : elementType(items));
            }
            PageCheck child = inner == vars ? this : new PageCheck(page, inner, problems);
            for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element c) child.element(c, field);
                else if (n.getNodeType() == Node.TEXT_NODE) child.expressions("text in <" + e.getTagName() + ">", n.getNodeValue(), field);
            }
        }

        private Type single(String text, String field) {
            List<String> xs = JellyScripts.split(text, problems::add);
            if (xs.size() != 1) { problems.add(page + ": j:forEach items='" + text + "' is not one expression"); return null; }
            return resolve(xs.get(0), field, "j:forEach items");
        }

        void expressions(String where, String text, String field) {
            for (String x : JellyScripts.split(text, p -> { })) {
                if (!x.startsWith("%")) resolve(x, field, where);
            }
        }

        Type resolve(String x, String field, String where) {
            try {
                return Expressions.type(x.strip(), vars, field);
            } catch (IllegalArgumentException ex) {
                problems.add(page + ": " + where + ": ${" + x + "}: " + ex.getMessage());
                return null;
            }
        }
    }

    /** The type of the few JEXL forms the plugin's pages use, or why it does not resolve. */
    static final class Expressions {
        private static final Pattern NULL_TEST = Pattern.compile("(.+?)\\s*(!=|==)\\s*null");

        static Type type(String x, Map<String, Type> vars, String field) {
            Matcher m = NULL_TEST.matcher(x);
            if (m.matches()) { type(m.group(1).strip(), vars, field); return boolean.class; }
            if (x.matches("'[^']*'|\"[^\"]*\"")) return String.class;
            if (x.matches("-?\\d+")) return int.class;
            if (x.equals("true") || x.equals("false")) return boolean.class;
            List<String> segments = segments(x);
            String first = segments.get(0);
            Type t;
            Matcher index = Pattern.compile("(\\w+)\\[(\\w+)]").matcher(first);
            if (index.matches()) {
                if (!index.group(2).equals("field") || field == null) throw new IllegalArgumentException("only instance[field] inside a field is known here");
                t = property(variable(index.group(1), vars), field);
            } else {
                t = variable(first, vars);
            }
            for (String s : segments.subList(1, segments.size())) {
                int open = s.indexOf('(');
                if (open < 0) {
                    t = property(t, s);
                } else {
                    String args = s.substring(open + 1, s.length() - 1);
                    List<String> list = args.isBlank() ? List.of() : List.of(args.split(","));
                    for (String a : list) type(a.strip(), vars, field);
                    t = method(t, s.substring(0, open), list.size());
                }
            }
            return t;
        }

        private static Type variable(String name, Map<String, Type> vars) {
            if (!vars.containsKey(name)) throw new IllegalArgumentException("'" + name + "' is no variable this page has " + vars.keySet());
            Type t = vars.get(name);
            if (t == null) throw new IllegalArgumentException("the type of '" + name + "' is unknown");
            return t;
        }

        /** a.b(c).d split at the dots outside parentheses. */
        private static List<String> segments(String x) {
            List<String> out = new ArrayList<>();
            int depth = 0;
            int start = 0;
            for (int i = 0; i < x.length(); i++) {
                char c = x.charAt(i);
                if (c == '(') depth++;
                else if (c == ')') depth--;
                else if (c == '.' && depth == 0) { out.add(x.substring(start, i)); start = i + 1; }
            }
            out.add(x.substring(start));
            for (String s : out) {
                if (!s.matches("\\w+(\\[\\w+])?(\\(.*\\))?")) throw new IllegalArgumentException("'" + s + "' is no form this test resolves");
            }
            return out;
        }

        /** JEXL's property: a public getter (get/is), else a public field. */
        static Type property(Type owner, String name) {
            Class<?> c = raw(owner);
            String cap = name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1);
            for (String prefix : new String[] {"get", "is"}) {
                try {
                    Method m = c.getMethod(prefix + cap);
                    if (prefix.equals("is") && m.getReturnType() != boolean.class && m.getReturnType() != Boolean.class) continue;
                    return m.getGenericReturnType();
                } catch (NoSuchMethodException e) {
                    // next
                }
            }
            try {
                Field f = c.getField(name);
                return f.getGenericType();
            } catch (NoSuchFieldException e) {
                throw new IllegalArgumentException(c.getSimpleName() + " has no property '" + name + "' (no public get" + cap + "/is" + cap + ")");
            }
        }

        static Type method(Type owner, String name, int arguments) {
            Class<?> c = raw(owner);
            for (Method m : c.getMethods()) {
                if (m.getName().equals(name) && m.getParameterCount() == arguments && !Modifier.isStatic(m.getModifiers())) {
                    return m.getGenericReturnType();
                }
            }
            throw new IllegalArgumentException(c.getSimpleName() + " has no public method " + name + " with " + arguments + " argument(s)");
        }
    }

    static Class<?> raw(Type t) {
        if (t instanceof Class<?> c) return c;
        if (t instanceof ParameterizedType p) return (Class<?>) p.getRawType();
        if (t instanceof GenericArrayType) return Object[].class;
        return Object.class;
    }

    /** The element type j:forEach iterates over: a collection's type argument or an array's component. */
    static Type elementType(Type t) {
        if (t instanceof Class<?> c && c.isArray()) return c.getComponentType();
        if (t instanceof ParameterizedType p && Iterable.class.isAssignableFrom(raw(p))) return p.getActualTypeArguments()[0];
        return null;
    }

    @Test
    void everyFormFieldIsADataBoundPropertyInTheControlItsTypeBindsFromWithHelp() throws Exception {
        List<String> problems = new ArrayList<>();
        int forms = 0;
        for (Path f : shipped("config.jelly")) {
            forms++;
            List<String> helps;
            try (Stream<Path> s = Files.list(f.getParent())) {
                helps = s.map(p -> p.getFileName().toString()).filter(n -> n.matches("help-.*\\.html")).sorted().toList();
            }
            problems.addAll(formProblems(name(f), owner(f.getParent()), Files.readAllBytes(f), helps));
        }
        assertThat(forms).isGreaterThanOrEqualTo(11);
        assertThat(problems).isEmpty();
    }

    /** What is wrong with the form {@code jelly} of {@code type}, whose directory holds the help files {@code helps}. */
    static List<String> formProblems(String page, Class<?> type, byte[] jelly, List<String> helps) throws Exception {
        List<String> problems = new ArrayList<>();
        Element root = parse(jelly);
        Class<?> descriptor = hudson.model.Descriptor.class.isAssignableFrom(type) ? type : descriptorClass(type);
        List<String> options = StepForms.options(type);
        Set<String> fields = new LinkedHashSet<>();
        for (Element e : formElements(root)) {
            String tag = e.getLocalName();
            if (!e.hasAttribute("field")) {
                if (CONTROLS.contains(tag)) problems.add(page + ": <f:" + tag + "> outside a field: Stapler cannot bind it");
                continue;
            }
            String field = e.getAttribute("field");
            fields.add(field);
            if (!options.contains(field)) {
                problems.add(page + ": field '" + field + "' is not a @DataBoundConstructor parameter nor a @DataBoundSetter of "
                        + type.getSimpleName() + ": Stapler would drop what the form submits");
                continue;
            }
            Type t;
            try {
                t = Expressions.property(type, field);
            } catch (IllegalArgumentException ex) {
                problems.add(page + ": " + ex.getMessage() + ": the form cannot show the current value");
                continue;
            }
            if (tag.equals("entry")) {
                String control = control(e, page, field, problems);
                if (control != null) checkControl(page, descriptor, field, t, control, e, problems);
            } else if (tag.equals("optionalProperty") || tag.equals("property")) {
                Class<?> nested = raw(t);
                String nestedPage = nested.getName().replace('.', '/') + "/config.jelly";
                if (nested.getClassLoader() == null || nested.getClassLoader().getResource(nestedPage) == null) {
                    problems.add(page + ": <f:" + tag + " field='" + field + "'>: " + nested.getName() + " has no config.jelly");
                }
            }
            if (blank(type, "help-" + field + ".html")) problems.add(page + ": no help-" + field + ".html for field '" + field + "'");
        }
        for (String option : options) {
            if (!fields.contains(option)) problems.add(page + ": option '" + option + "' has no field in the form");
        }
        if (blank(type, "help.html")) problems.add(page + ": no help.html for " + type.getSimpleName());
        for (String h : helps) {
            String field = h.replaceFirst("^help-(.*?)(_[a-zA-Z_]+)?\\.html$", "$1");
            if (!fields.contains(field)) problems.add(page + ": " + h + " is help for '" + field + "', which the form has no field for");
        }
        return problems;
    }

    private static boolean blank(Class<?> type, String file) throws Exception {
        String text = StepForms.resource(type, file);
        return text == null || text.isBlank();
    }

    private static List<Element> formElements(Element e) {
        List<Element> out = new ArrayList<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (!(n instanceof Element c)) continue;
            if ("/lib/form".equals(c.getNamespaceURI())) out.add(c);
            // the controls of an entry with a field are the entry's (checked with it); any other container is searched
            if (!("entry".equals(c.getLocalName()) && c.hasAttribute("field"))) out.addAll(formElements(c));
        }
        return out;
    }

    /** The one control of an entry (its field is the entry's). */
    private static String control(Element entry, String page, String field, List<String> problems) {
        List<Element> controls = new ArrayList<>();
        for (Node n = entry.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && "/lib/form".equals(c.getNamespaceURI()) && CONTROLS.contains(c.getLocalName())) controls.add(c);
        }
        if (controls.size() != 1) {
            problems.add(page + ": field '" + field + "' has " + controls.size() + " controls, not one");
            return null;
        }
        if (controls.get(0).hasAttribute("field") && !controls.get(0).getAttribute("field").equals(field)) {
            problems.add(page + ": field '" + field + "' holds a control for '" + controls.get(0).getAttribute("field") + "'");
        }
        return controls.get(0).getLocalName();
    }

    /**
     * The control a property's type binds from: Stapler converts the submitted string to a String, int/Integer or
     * boolean; a tri-state Boolean is a select of ""/true/false and a List a text area of lines (FormFields); a
     * checkbox submits a boolean, which a String or Integer property cannot take.
     */
    private static void checkControl(String page, Class<?> descriptor, String field, Type t, String control, Element entry,
                                     List<String> problems) {
        Class<?> c = raw(t);
        Set<String> fit;
        if (c == String.class) fit = Set.of("textbox", "textarea", "select", "password");
        else if (c == boolean.class) fit = Set.of("checkbox");
        else if (c == Boolean.class) fit = Set.of("select");
        else if (c == int.class || c == Integer.class || c == long.class || c == Long.class) fit = Set.of("number", "textbox");
        else if (List.class.isAssignableFrom(c)) fit = Set.of("textarea");
        else fit = Set.of();
        if (!fit.contains(control)) {
            problems.add(page + ": field '" + field + "' (" + t.getTypeName() + ") uses <f:" + control + ">, which does not bind to it; use one of " + fit);
        }
        if (control.equals("select")) {
            String fill = "doFill" + field.substring(0, 1).toUpperCase(Locale.ROOT) + field.substring(1) + "Items";
            if (java.util.Arrays.stream(descriptor.getMethods()).noneMatch(m -> m.getName().equals(fill))) {
                problems.add(page + ": select '" + field + "' has no " + descriptor.getSimpleName() + "." + fill + ": it would render empty");
            }
        }
        if (List.class.isAssignableFrom(c)) {
            Element area = (Element) entry.getElementsByTagNameNS("/lib/form", "textarea").item(0);
            String want = "${descriptor.lines(instance." + field + ")}";
            if (area == null || !want.equals(area.getAttribute("value"))) {
                problems.add(page + ": list field '" + field + "' must show value=\"" + want + "\" (one entry per line; a list's toString is no input)");
            }
        }
    }

    private static Element parse(byte[] content) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(content)).getDocumentElement();
    }

    @Test
    void everyHelpFileIsAWellFormedFragmentOfAClass() throws Exception {
        List<Path> helps = shipped(".html");
        assertThat(helps).as("the walk finds the help files (servicePipeline's went from 17 to 10 fields)").hasSizeGreaterThan(90);
        List<String> problems = new ArrayList<>();
        for (Path h : helps) {
            String text = Files.readString(h);
            try {
                Class<?> owner = owner(h.getParent());
                if (owner == null) problems.add(name(h) + ": help outside a class's directory");
            } catch (ClassNotFoundException e) {
                problems.add(name(h) + ": no class " + e.getMessage() + " owns it");
            }
            if (text.isBlank()) problems.add(name(h) + ": empty");
            try {
                parse(("<div>" + text + "</div>").getBytes(StandardCharsets.UTF_8));
            } catch (Exception e) {
                problems.add(name(h) + ": not a well-formed fragment: " + e.getMessage());
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyMessageFileLoadsAsInjectedTestLoadsItAndHasEveryKeyTheCodeAsksFor() throws Exception {
        List<Path> files = shipped(".properties");
        assertThat(files).isNotEmpty();
        List<String> problems = new ArrayList<>();
        Map<String, Properties> bundles = new HashMap<>();
        for (Path f : files) {
            byte[] bytes = Files.readAllBytes(f);
            boolean ascii = decodes(bytes, StandardCharsets.US_ASCII);
            if (!ascii && !decodes(bytes, StandardCharsets.UTF_8) && !decodes(bytes, StandardCharsets.ISO_8859_1)) {
                problems.add(name(f) + ": neither UTF-8 nor ISO-8859-1");
            }
            Properties props = new Properties() {
                @Override
                public synchronized Object put(Object key, Object value) {
                    Object old = super.put(key, value);
                    if (old != null) problems.add(name(f) + ": two values for '" + key + "'");
                    return old;
                }
            };
            props.load(new StringReader(new String(bytes, ascii || decodes(bytes, StandardCharsets.UTF_8)
                    ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1)));
            for (String key : props.stringPropertyNames()) {
                String v = props.getProperty(key);
                if (v.contains("'") || v.contains("{")) {
                    problems.add(name(f) + ": " + key + " has MessageFormat syntax (' or {), which the generated Messages class would change");
                }
            }
            bundles.put(name(f), props);
        }
        Properties messages = bundles.get("org/imagetree/jenkins/Messages.properties");
        assertThat(messages).as("Messages.properties").isNotNull();
        Path sources = TestEnvironment.repo().resolve("plugin/src/main/java/org/imagetree/jenkins");
        Pattern asked = Pattern.compile("Texts\\.get\\(\"([^\"]+)\"\\)");
        try (Stream<Path> s = Files.list(sources)) {
            for (Path f : s.sorted().toList()) {
                Matcher m = asked.matcher(Files.readString(f));
                while (m.find()) {
                    if (!messages.containsKey(m.group(1))) problems.add(f.getFileName() + " asks for message '" + m.group(1) + "', which is missing");
                }
            }
        }
        for (Class<?> step : StepForms.steps()) {
            if (!messages.containsKey(step.getSimpleName() + ".DisplayName")) problems.add(step.getSimpleName() + ".DisplayName is missing");
        }
        assertThat(problems).isEmpty();
    }

    private static boolean decodes(byte[] bytes, java.nio.charset.Charset charset) {
        try {
            charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** The checks themselves fail on what Jenkins refuses (each page here is wrong in one way). */
    @Test
    void theChecksRefuseWhatJenkinsRefuses() {
        assertThat(JellyScripts.check("a.jelly", "<j:jelly xmlns:j='jelly:core'/>").problems())
                .singleElement().asString().contains("escape-by-default");
        String pi = "<?jelly escape-by-default='true'?>";
        assertThat(JellyScripts.check("b.jelly", pi + "<b>${%Don't stop} here</b>").problems())
                .singleElement().asString().contains("never closes");
        assertThat(JellyScripts.check("c.jelly", pi + "<b title=\"${%Don't stop}\">x</b>").problems())
                .as("a whole-attribute expression is parsed whole").isEmpty();
        assertThat(JellyScripts.check("d.jelly", pi + "<b title=\"${%Tags (one per line)}\"/>").problems())
                .singleElement().asString().contains("argument 'one per line'");
        assertThat(JellyScripts.check("e.jelly", pi + "<b title=\"${%Open (no end}\"/>").problems())
                .singleElement().asString().contains("missing ')'");
        assertThat(JellyScripts.check("f.jelly", pi + "<b onclick='go()'>x</b>").problems()).singleElement().asString().contains("inline event handler");
        assertThat(JellyScripts.check("g.jelly", pi + "<div><script>go()</script></div>").problems()).singleElement().asString().contains("inline <script>");
        assertThat(JellyScripts.check("h.jelly", pi + "<b>${it.a(}</b>").problems()).singleElement().asString().contains("unclosed '('");
        assertThat(JellyScripts.check("i.jelly", pi + "<b>ok ${%Hello(it.name, 'x')} ${it.sections}</b>").problems()).isEmpty();

        List<String> problems = new ArrayList<>();
        Map<String, Type> vars = Map.of("it", ImageTreeAction.class);
        new PageCheck("j.jelly", vars, problems).element(element(
                "<j:jelly xmlns:j='jelly:core' xmlns:f='/lib/form'><f:textbox defualt='x'/><f:nosuch/>"
                        + "<j:forEach var='s' items='${it.sections}'>${s.directory} ${s.nosuch}</j:forEach>${it.displayName} ${it.missing}</j:jelly>"), null);
        assertThat(problems).containsExactly(
                "j.jelly: <f:textbox> has no attribute 'defualt' in Jenkins 2.555.3 (Jelly would ignore it)",
                "j.jelly: <f:nosuch> is no tag this test knows from Jenkins 2.555.3 (read it there and add it to TAGS)",
                "j.jelly: text in <j:forEach>: ${s.nosuch}: Section has no property 'nosuch' (no public getNosuch/isNosuch)",
                "j.jelly: text in <j:jelly>: ${it.missing}: ImageTreeAction has no property 'missing' (no public getMissing/isMissing)");
    }

    @Test
    void theFormCheckRefusesFieldsStaplerCannotBind() throws Exception {
        String form = "<?jelly escape-by-default='true'?><j:jelly xmlns:j='jelly:core' xmlns:f='/lib/form'>"
                + "<f:entry field='variant'><f:textbox/></f:entry>"
                + "<f:entry field='tags'><f:textbox/></f:entry>"
                + "<f:entry field='publish'><f:textbox/></f:entry>"
                + "<f:entry field='flavour'><f:select/></f:entry>"
                + "<f:entry field='nosuch'><f:textbox/></f:entry>"
                + "<f:textbox field='context'/><f:textbox/>"
                + "</j:jelly>";
        List<String> problems = formProblems("x.jelly", BlubberBuildStep.class, form.getBytes(StandardCharsets.UTF_8),
                List.of("help-variant.html", "help-gone.html", "help-variant_de.html"));
        assertThat(problems).contains(
                "x.jelly: field 'tags' (java.util.List<java.lang.String>) uses <f:textbox>, which does not bind to it; use one of [textarea]",
                "x.jelly: list field 'tags' must show value=\"${descriptor.lines(instance.tags)}\" (one entry per line; a list's toString is no input)",
                "x.jelly: field 'publish' (boolean) uses <f:textbox>, which does not bind to it; use one of [checkbox]",
                "x.jelly: select 'flavour' has no DescriptorImpl.doFillFlavourItems: it would render empty",
                "x.jelly: field 'nosuch' is not a @DataBoundConstructor parameter nor a @DataBoundSetter of BlubberBuildStep: Stapler would drop what the form submits",
                "x.jelly: <f:textbox> outside a field: Stapler cannot bind it",
                "x.jelly: option 'registry' has no field in the form",
                "x.jelly: help-gone.html is help for 'gone', which the form has no field for");
        assertThat(problems).noneMatch(p -> p.contains("'variant'") || p.contains("'context'"));
        assertThat(problems).filteredOn(p -> p.contains("has no field in the form")).hasSize(5); // config, registry, buildArgs, engineConfig, policy
    }

    private static Element element(String xml) {
        try {
            return parse(xml.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
