// Compile-only stub (jenkins-stubs), checked against jenkinsci/credentials-plugin tag 1502.v5c95e620ddfe (newest tag in the mirror; the BOM manages 1511.v2e3cb_0008ef0), src/main/java/com/cloudbees/plugins/credentials/CredentialsMatchers.java: a subset of its signatures, nothing it lacks.
package com.cloudbees.plugins.credentials;

import java.util.List;

/** As the real ones (matchers/NotMatcher, ScopeMatcher, AllOfMatcher): plain predicates, no Jenkins needed. */
public class CredentialsMatchers {
    private CredentialsMatchers() {}

    public static CredentialsMatcher not(CredentialsMatcher matcher) {
        return new Not(matcher);
    }

    public static CredentialsMatcher withScope(CredentialsScope scope) {
        return new Scope(scope);
    }

    public static CredentialsMatcher allOf(CredentialsMatcher... matchers) {
        return new AllOf(List.of(matchers));
    }

    private record Not(CredentialsMatcher matcher) implements CredentialsMatcher {
        @Override
        public boolean matches(Credentials item) { return !matcher.matches(item); }
    }

    private record Scope(CredentialsScope scope) implements CredentialsMatcher {
        @Override
        public boolean matches(Credentials item) { return item.getScope() == scope; }
    }

    private record AllOf(List<CredentialsMatcher> matchers) implements CredentialsMatcher {
        @Override
        public boolean matches(Credentials item) {
            for (CredentialsMatcher m : matchers) if (!m.matches(item)) return false;
            return true;
        }
    }
}
