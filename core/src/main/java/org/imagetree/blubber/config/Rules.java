package org.imagetree.blubber.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/** Blubber's value rules (spec §2.10), plus the injection guards this implementation adds. */
public final class Rules {
    private Rules() {}

    static final Pattern VARIANT_NAME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9\\-.]+[a-zA-Z0-9]$");
    static final Pattern USERNAME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9\\-.]+[a-z\\-Az0-9]$");
    static final Pattern ENV_VAR = Pattern.compile("^[a-zA-Z_][a-zA-Z0-9_]+$");
    static final Pattern NODE_ENV = Pattern.compile("^[a-zA-Z0-9]+$");
    private static final String OP = "(?:<|<=|!=|==|>=|>|~=)";
    private static final String VER = "[a-z\\-A-Z0-9\\-_.*+!]+";
    static final Pattern PY_PKG_VERSION = Pattern.compile("^" + OP + VER + "(?:," + OP + VER + ")*$");
    static final Pattern DEBIAN_PACKAGE = Pattern.compile(
            "^[a-z0-9][a-z0-9+.\\-]+(?:=(?:[0-9]+:)?[0-9]+[a-zA-Z0-9.+\\-~]*|/[a-zA-Z](?:[a-zA-Z0-9\\-]*[a-zA-Z0-9]+)?)?$");
    static final Pattern DEBIAN_RELEASE = Pattern.compile("[a-zA-Z](?:[a-zA-Z0-9\\-]*[a-zA-Z0-9]+)?");
    static final Pattern DEBIAN_COMPONENT = Pattern.compile("[a-z0-9][a-z0-9+./\\-]+");

    private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final String DOMAIN = DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*(?::[0-9]+)?";
    private static final String PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-*)[a-z0-9]+)*";
    private static final String NAME = "(?:" + DOMAIN + "/)?" + PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*";
    static final Pattern IMAGE_REF = Pattern.compile("^(" + NAME + ")(?::[\\w][\\w.-]{0,127})?"
            + "(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$");

    /** Python executable names (our guard: emitted verbatim into RUN lines). */
    static final Pattern PYTHON_EXECUTABLE = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._/-]*$");
    /** Versions or specifiers for pip/setuptools/tox/wheel (our guard). */
    static final Pattern VERSION_SPEC = Pattern.compile("^[A-Za-z0-9.*+!<>=~,_-]+$");
    /** Exclude patterns are .dockerignore globs; they reach a shell in the classic fallback (our guard). */
    static final Pattern EXCLUDE = Pattern.compile("^!?[A-Za-z0-9_.*?/\\[\\]@+,:=~%-]+$");
    /** ${NAME} or $NAME references, allowed in cache and mount paths. */
    static final Pattern VARIABLE_REF = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*}|\\$[A-Za-z_][A-Za-z0-9_]*");

    public static boolean isVariantName(String s) { return VARIANT_NAME.matcher(s).matches(); }

    public static boolean isUserName(String s) { return USERNAME.matcher(s).matches() && !s.equals("root"); }

    public static boolean isEnvVarName(String s) { return ENV_VAR.matcher(s).matches(); }

    public static boolean isImageRef(String s) {
        var m = IMAGE_REF.matcher(s);
        return m.matches() && m.group(1).length() <= 255;
    }

    public static boolean isDebianPackage(String s) { return DEBIAN_PACKAGE.matcher(s).matches(); }

    public static boolean isDebianRelease(String s) { return DEBIAN_RELEASE.matcher(s).find(); }

    public static boolean isDebianComponent(String s) { return DEBIAN_COMPONENT.matcher(s).find(); }

    public static boolean isPythonVersionSpec(String s) { return PY_PKG_VERSION.matcher(s).matches(); }

    /** Absolute, and not "/" after cleaning. */
    public static boolean isAbsNonRootPath(String s) {
        return s.startsWith("/") && !PathUtil.clean(s).equals("/");
    }

    public static boolean isHttpUrl(String s) {
        try {
            URI u = new URI(s);
            return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** Relative and not escaping with "..". */
    public static boolean isRelativeLocal(String s) {
        if (s.startsWith("/")) return false;
        String c = PathUtil.clean(s);
        return !(c.equals("..") || c.startsWith("../"));
    }

    /** Our guard: no quote, backslash, backtick, dollar, newline or NUL (these would reach a shell or a quoted string). */
    public static boolean isSafeText(String s) {
        for (char ch : s.toCharArray()) {
            if (ch == '"' || ch == '\'' || ch == '\\' || ch == '`' || ch == '$' || ch == '\n' || ch == '\r' || ch == 0) return false;
        }
        return true;
    }

    /** Like {@link #isSafeText} but ${NAME}/$NAME references are allowed (cache and mount paths). */
    public static boolean isSafePathWithVariables(String s) {
        return isSafeText(VARIABLE_REF.matcher(s).replaceAll("x"));
    }
}
