// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/hudson/util/ListBoxModel.java: a subset of its signatures, nothing it lacks.
package hudson.util;

import java.util.ArrayList;

public class ListBoxModel extends ArrayList<ListBoxModel.Option> {
    private static final long serialVersionUID = 1L;

    public ListBoxModel() {}

    public void add(String displayName, String value) { add(new Option(displayName, value)); }

    public static final class Option {
        public String name;
        public String value;
        public boolean selected;

        public Option(String name, String value) {
            this.name = name;
            this.value = value;
        }
    }
}
