package org.imagetree.jenkins.harness;

import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.ProcessingInstruction;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * The offline harness's Jelly compiler checks (not a Jenkins class): what the hpi build's generated {@code InjectedTest}
 * does to every Jelly page the plugin ships ({@code testParseJelly}: Stapler's {@code compileScript}, the
 * {@code escape-by-default} processing instruction, inline JavaScript; jenkinsci/jenkins-test-harness tag
 * 2578.v44660312fd37, src/main/java/org/jvnet/hudson/test/injected/InjectedTestBase.java), with the expression parsing
 * of the versions Jenkins 2.555.3 pins, re-expressed:
 * <ul>
 *   <li>Jelly splits attribute values and text into constants and {@code ${...}} expressions
 *       (jenkinsci/jelly tag commons-jelly-1.1-jenkins-20250731, CompositeExpression.parse): a text that is exactly one
 *       {@code ${...}} (its first {@code }} is the last character) is one expression; anywhere else a quote inside
 *       {@code ${...}} starts a string that runs to the next quote, so {@code <b>${%Don't}</b>} swallows the closing
 *       brace and the rest of the text is lost;</li>
 *   <li>Stapler compiles {@code ${%key(arg, ...)}} (jenkinsci/stapler tag 2076.v1b_a_c12445eb_e,
 *       InternationalizedStringExpression): a {@code (} starts the arguments, each a JEXL expression, the whole ending
 *       in {@code )}: {@code ${%Tags (one per line)}} makes the page fail to load.</li>
 * </ul>
 * Each problem is one line naming the page.
 */
public final class JellyScripts {
    private JellyScripts() {}

    /** One {@code ${...}} found in an attribute value or text node: where, and its text without {@code ${ }}. */
    public record Expression(String where, String text) {}

    /** A parsed page: its DOM, its expressions in document order, and what would keep it from compiling or passing. */
    public record Page(String name, Document document, List<Expression> expressions, List<String> problems) {}

    /** Parses and checks one Jelly page as the InjectedTest does (see the class comment). */
    public static Page check(String name, byte[] content) {
        List<String> problems = new ArrayList<>();
        List<Expression> expressions = new ArrayList<>();
        Document doc;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(content));
        } catch (Exception e) {
            problems.add(name + ": not well-formed XML: " + e.getMessage());
            return new Page(name, null, expressions, problems);
        }
        boolean pi = false;
        for (Node n = doc.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof ProcessingInstruction p && p.getTarget().equals("jelly") && p.getData().contains("escape-by-default")) pi = true;
        }
        if (!pi) problems.add(name + ": <?jelly escape-by-default='true'?> is missing");
        walk(doc.getDocumentElement(), (where, text) -> {
            for (String x : split(text, e -> problems.add(name + ": " + where + ": " + e))) {
                expressions.add(new Expression(where, x));
                String bad = x.startsWith("%") ? message(x) : jexl(x);
                if (bad != null) problems.add(name + ": " + where + ": ${" + x + "}: " + bad);
            }
        }, problems, name);
        return new Page(name, doc, expressions, problems);
    }

    private static void walk(Element e, BiConsumer<String, String> text, List<String> problems, String page) {
        String tag = e.getTagName();
        boolean taglib = e.getNamespaceURI() != null;
        NamedNodeMap attrs = e.getAttributes();
        for (int i = 0; i < attrs.getLength(); i++) {
            Attr a = (Attr) attrs.item(i);
            if (a.getName().startsWith("xmlns")) continue;
            String n = a.getLocalName() == null ? a.getName() : a.getLocalName();
            // InjectedTestBase.checkJavaScriptAttributes (Content-Security-Policy: no inline JavaScript)
            if (!taglib && n.toLowerCase(java.util.Locale.ROOT).startsWith("on")) problems.add(page + ": inline event handler '" + n + "' on <" + tag + ">");
            if (taglib && n.equals("onclick")) problems.add(page + ": 'onclick' on the taglib tag <" + tag + ">");
            text.accept("<" + tag + " " + n + ">", a.getValue());
        }
        if (e.hasAttribute("checkUrl") && !e.hasAttribute("checkDependsOn")) problems.add(page + ": <" + tag + "> has checkUrl without checkDependsOn");
        if (!taglib && tag.equalsIgnoreCase("script") && !e.hasAttribute("src")
                && !"application/json".equalsIgnoreCase(e.getAttribute("type"))) problems.add(page + ": inline <script>");
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c) walk(c, text, problems, page);
            else if (n.getNodeType() == Node.TEXT_NODE || n.getNodeType() == Node.CDATA_SECTION_NODE) {
                if (!n.getNodeValue().isBlank()) text.accept("text in <" + tag + ">", n.getNodeValue());
            }
        }
    }

    /**
     * The expressions of one attribute value or text as Jelly's CompositeExpression.parse finds them; what it would
     * throw or silently drop goes to {@code problem}.
     */
    public static List<String> split(String text, java.util.function.Consumer<String> problem) {
        List<String> out = new ArrayList<>();
        int start = text.indexOf("${");
        if (start < 0) return out;
        int end = text.indexOf('}', start + 2);
        if (end < 0) { problem.accept("missing '}' at the end of expression: " + text); return out; }
        if (start == 0 && end == text.length() - 1) { out.add(text.substring(2, end)); return out; }
        int cur = 0;
        int len = text.length();
        while (cur < len) {
            char c = text.charAt(cur);
            if (c == '$' && cur + 1 < len) {
                cur++;
                c = text.charAt(cur);
                if (c == '{' && cur + 1 < len) {
                    cur++;
                    StringBuilder x = new StringBuilder();
                    boolean closed = false;
                    while (cur < len) {
                        c = text.charAt(cur);
                        if (c == '"' || c == '\'') {
                            char q = c;
                            x.append(c);
                            cur++;
                            while (cur < len) {
                                c = text.charAt(cur++);
                                x.append(c);
                                if (c == '\\') continue; // as Jelly: the backslash only, the next character is read normally
                                if (c == q) break;
                            }
                        } else if (c == '}') {
                            out.add(x.toString());
                            closed = true;
                            break;
                        } else {
                            x.append(c);
                            cur++;
                        }
                    }
                    if (!closed) {
                        problem.accept("the expression '${" + x + "' never closes (a quote inside ${...} runs to the end of the text), "
                                + "so Jelly drops it and the text after it");
                        return out;
                    }
                }
            }
            cur++;
        }
        return out;
    }

    /** Why Stapler would refuse {@code %key(args)}, or null (InternationalizedStringExpression's constructor and tokenize). */
    public static String message(String x) {
        String text = x.substring(1);
        int open = text.indexOf('(');
        if (open < 0) return null;
        text = text.substring(open + 1);
        while (!text.isEmpty()) {
            String token = token(text);
            if (token == null) return "is missing ')' at the end (a '(' in a message starts its arguments)";
            String bad = argument(token);
            if (bad != null) return "argument '" + token.strip() + "' " + bad + " (a '(' in a message starts its arguments)";
            text = text.substring(token.length() + 1);
        }
        return null;
    }

    private static String token(String text) {
        int depth = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case ',' -> { if (depth == 0) return text.substring(0, i); }
                case '(', '{', '[' -> depth++;
                case ')' -> { if (depth == 0) return text.substring(0, i); depth--; }
                case '}', ']' -> depth--;
                case '"', '\'' -> {
                    int close = text.indexOf(c, i + 1);
                    if (close < 0) return null;
                    i = close;
                }
                default -> { }
            }
        }
        return null;
    }

    /** What a message argument must be to compile as JEXL: a name, a property path or call, a literal. */
    private static final Pattern ARGUMENT = Pattern.compile(
            "\\s*([A-Za-z_]\\w*(\\.[A-Za-z_]\\w*|\\[[^\\]]*]|\\([^)]*\\))*|'[^']*'|\"[^\"]*\"|-?\\d+(\\.\\d+)?)\\s*");

    private static String argument(String token) {
        return ARGUMENT.matcher(token).matches() ? null : "is no JEXL expression";
    }

    /** Why a JEXL expression would not parse (unbalanced brackets or quotes, empty), or null. */
    public static String jexl(String x) {
        if (x.isBlank()) return "empty expression";
        java.util.ArrayDeque<Character> open = new java.util.ArrayDeque<>();
        for (int i = 0; i < x.length(); i++) {
            char c = x.charAt(i);
            switch (c) {
                case '(', '[', '{' -> open.push(c);
                case ')', ']', '}' -> {
                    char want = c == ')' ? '(' : c == ']' ? '[' : '{';
                    if (open.isEmpty() || open.pop() != want) return "unbalanced '" + c + "'";
                }
                case '"', '\'' -> {
                    int close = x.indexOf(c, i + 1);
                    if (close < 0) return "unclosed string";
                    i = close;
                }
                default -> { }
            }
        }
        return open.isEmpty() ? null : "unclosed '" + open.peek() + "'";
    }

    /** Convenience for a page's text. */
    public static Page check(String name, String content) {
        return check(name, content.getBytes(StandardCharsets.UTF_8));
    }
}
