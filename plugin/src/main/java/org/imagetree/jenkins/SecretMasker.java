package org.imagetree.jenkins;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** Replaces every secret in a line with {@code ****} before it reaches the build console. */
public final class SecretMasker implements Serializable {
    private static final long serialVersionUID = 1L;
    private final ArrayList<String> secrets;

    public SecretMasker(List<String> secrets) {
        this.secrets = new ArrayList<>();
        for (String s : secrets) if (s != null && !s.isEmpty()) this.secrets.add(s);
    }

    public String mask(String text) {
        if (text == null) return null;
        String out = text;
        for (String s : secrets) out = out.replace(s, "****");
        return out;
    }
}
