package org.imagetree.blubber.config;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;

/**
 * Evaluates a go-playground/validator-style tag expression against one value: comma = and, {@code |} = or,
 * {@code omitempty} skips zero values. Supports the common tags and Blubber's own.
 */
final class PolicyRule {
    private PolicyRule() {}

    /**
     * @param value the value, or null to only check that the rule is well-formed
     * @throws IllegalArgumentException for an unknown tag
     */
    static boolean check(String rule, Object value) {
        String[] parts = rule.split(",");
        for (String part : parts) {
            part = part.trim();
            if (part.equals("omitempty")) {
                if (value != null && isZero(value)) return true;
                continue;
            }
            boolean any = false;
            for (String alt : part.split("\\|")) {
                boolean ok = tag(alt.trim(), value);
                any |= ok;
            }
            if (value != null && !any) return false;
        }
        return true;
    }

    static String display(Object value) { return String.valueOf(value); }

    private static boolean tag(String tag, Object v) {
        int eq = tag.indexOf('=');
        String name = eq < 0 ? tag : tag.substring(0, eq);
        String param = eq < 0 ? "" : tag.substring(eq + 1);
        boolean dryRun = v == null;
        String s = v == null ? "" : v instanceof Collection<?> || v instanceof Map<?, ?> ? "" : String.valueOf(v);
        return switch (name) {
            case "required" -> dryRun || !isZero(v);
            case "isfalse" -> dryRun || Boolean.FALSE.equals(v);
            case "istrue" -> dryRun || Boolean.TRUE.equals(v);
            case "eq" -> dryRun || s.equals(param);
            case "ne" -> dryRun || !s.equals(param);
            case "oneof" -> dryRun || Arrays.asList(param.trim().split("\\s+")).contains(s);
            case "startswith" -> dryRun || s.startsWith(param);
            case "endswith" -> dryRun || s.endsWith(param);
            case "contains" -> dryRun || s.contains(param);
            case "excludes" -> dryRun || !s.contains(param);
            case "gt", "gte", "lt", "lte", "min", "max", "len" -> dryRun || compare(name, v, param);
            case "alphanum" -> dryRun || s.matches("^[a-zA-Z0-9]+$");
            case "abspath" -> dryRun || Rules.isAbsNonRootPath(s);
            case "imageref" -> dryRun || Rules.isImageRef(s);
            case "username" -> dryRun || Rules.isUserName(s);
            case "debianpackage" -> dryRun || Rules.isDebianPackage(s);
            case "nodeenv" -> dryRun || Rules.NODE_ENV.matcher(s).matches();
            case "httpurl" -> dryRun || Rules.isHttpUrl(s);
            case "pypkgver" -> dryRun || Rules.isPythonVersionSpec(s);
            default -> throw new IllegalArgumentException("unknown policy rule tag \"" + name + "\"");
        };
    }

    private static boolean compare(String op, Object v, String param) {
        double actual;
        if (v instanceof Number n) actual = n.doubleValue();
        else if (v instanceof Collection<?> c) actual = c.size();
        else if (v instanceof Map<?, ?> m) actual = m.size();
        else actual = String.valueOf(v).length();
        double limit;
        try {
            limit = Double.parseDouble(param);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("policy rule \"" + op + "\" needs a number");
        }
        return switch (op) {
            case "gt" -> actual > limit;
            case "gte", "min" -> actual >= limit;
            case "lt" -> actual < limit;
            case "lte", "max" -> actual <= limit;
            default -> actual == limit;
        };
    }

    private static boolean isZero(Object v) {
        if (v instanceof String s) return s.isEmpty();
        if (v instanceof Boolean b) return !b;
        if (v instanceof Number n) return n.doubleValue() == 0;
        if (v instanceof Collection<?> c) return c.isEmpty();
        if (v instanceof Map<?, ?> m) return m.isEmpty();
        return v == null;
    }
}
