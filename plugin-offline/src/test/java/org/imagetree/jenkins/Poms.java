package org.imagetree.jenkins;

import org.imagetree.testing.TestEnvironment;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The repository's pom.xml files, read as XML, for the tests that keep the build's settings in step. */
final class Poms {
    private Poms() {}

    static Path repo() { return TestEnvironment.repo(); }

    static Element read(String path) throws Exception {
        return read(repo().resolve(path));
    }

    static Element read(Path pom) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document d = f.newDocumentBuilder().parse(pom.toFile());
        return d.getDocumentElement();
    }

    /** Every pom.xml of the repository (not under target/ or hidden directories). */
    static List<Path> all() throws Exception {
        try (Stream<Path> s = Files.walk(repo(), 3)) {
            return s.filter(p -> p.getFileName().toString().equals("pom.xml"))
                    .filter(p -> repo().relativize(p).toString().chars().filter(c -> c == '/').count() <= 1)
                    .filter(p -> !repo().relativize(p).toString().startsWith("."))
                    .sorted().toList();
        }
    }

    /** The direct child element {@code name} of {@code e}, or null. */
    static Element child(Element e, String name) {
        if (e == null) return null;
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(name)) return c;
        }
        return null;
    }

    /** The text of the element at {@code path} ("a/b/c") below {@code e}, or null. */
    static String text(Element e, String path) {
        Element c = e;
        for (String part : path.split("/")) c = child(c, part);
        return c == null ? null : c.getTextContent().strip();
    }

    /** Every element named {@code name} below {@code e}. */
    static List<Element> all(Element e, String name) {
        List<Element> out = new ArrayList<>();
        NodeList l = e.getElementsByTagName(name);
        for (int i = 0; i < l.getLength(); i++) out.add((Element) l.item(i));
        return out;
    }

    /** The build plugin {@code artifactId} of {@code pom} (build/plugins, not pluginManagement), or null. */
    static Element plugin(Element pom, String artifactId) {
        Element plugins = child(child(pom, "build"), "plugins");
        if (plugins == null) return null;
        for (Node n = plugins.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element p && artifactId.equals(text(p, "artifactId"))) return p;
        }
        return null;
    }
}
