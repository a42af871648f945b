package org.imagetree.config;

import java.io.Serializable;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Replaces every whole occurrence of a secret with {@value #MASK}, in one pass (longest secret first, so one
 * secret inside another is masked as the longer one and a mask is never masked again). Secrets shorter than
 * {@value #MIN_LENGTH} characters are not masked: replacing {@code a} or {@code pw} everywhere garbles every message
 * without hiding anything, so such credentials are refused where they come in ({@link #tooShort}). Immutable,
 * serializable (it travels to Jenkins agents).
 */
public final class SecretMask implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String MASK = "****";
    /** The shortest secret that can be masked without garbling text. */
    public static final int MIN_LENGTH = 8;

    private final Pattern pattern;

    private SecretMask(Pattern pattern) {
        this.pattern = pattern;
    }

    /** A mask for these secrets; null, empty and too short ones are left out. */
    public static SecretMask of(Collection<String> secrets) {
        return of(secrets, MIN_LENGTH);
    }

    /**
     * A mask for every non-empty secret, however short: for a console that must never show a password it was given
     * (the Jenkins plugin, which accepts short registry passwords and warns that masking them may hide other text).
     */
    public static SecretMask anyLength(Collection<String> secrets) {
        return of(secrets, 1);
    }

    private static SecretMask of(Collection<String> secrets, int minLength) {
        Set<String> kept = new LinkedHashSet<>();
        for (String s : secrets) if (s != null && s.length() >= minLength) kept.add(s);
        if (kept.isEmpty()) return new SecretMask(null);
        String alternation = kept.stream().sorted(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()))
                .map(Pattern::quote).collect(Collectors.joining("|"));
        return new SecretMask(Pattern.compile(alternation));
    }

    /** The text with every secret masked; null stays null. */
    public String mask(String text) {
        if (text == null || pattern == null) return text;
        return pattern.matcher(text).replaceAll(Matcher.quoteReplacement(MASK));
    }

    /**
     * Why a credential cannot be used, when it is too short to mask safely in logs.
     *
     * @param what names the credential in the message ({@code password (from IMAGETREE_REGISTRY_PASSWORD)})
     */
    public static Optional<String> tooShort(String what, String secret) {
        if (secret == null || secret.isEmpty() || secret.length() >= MIN_LENGTH) return Optional.empty();
        return Optional.of(what + " is shorter than " + MIN_LENGTH + " characters: too short to be masked in logs without"
                + " garbling them; use a longer one");
    }
}
