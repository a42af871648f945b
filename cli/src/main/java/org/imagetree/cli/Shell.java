package org.imagetree.cli;

import java.util.regex.Pattern;

/** Words of a command line printed for a user to paste into a POSIX shell. */
final class Shell {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private Shell() {}

    /** {@code word} as is when the shell reads it so, else in single quotes. */
    static String quote(String word) {
        if (PLAIN.matcher(word).matches()) return word;
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
