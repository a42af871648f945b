// Compile-only stub (jenkins-stubs), checked against jenkinsci/authentication-tokens-plugin tag 1.144.v5ff4a_5ec5c33 (the version the BOM manages), src/main/java/jenkins/authentication/tokens/api/AuthenticationTokens.java: a subset of its signatures, nothing it lacks.
package jenkins.authentication.tokens.api;

import edu.umd.cs.findbugs.annotations.CheckForNull;

import com.cloudbees.plugins.credentials.Credentials;
import com.cloudbees.plugins.credentials.CredentialsMatcher;
import jenkins.model.Jenkins;

/** The real conversions come from AuthenticationTokenSource extensions (ExtensionList.lookup): none without Jenkins. */
public final class AuthenticationTokens {
    private AuthenticationTokens() {}

    public static <T> CredentialsMatcher matcher(Class<T> tokenClass) {
        Jenkins.get();
        return c -> false; // not reached: there is no Jenkins
    }

    @CheckForNull
    public static <T, C extends Credentials> T convert(Class<T> type, C credentials) {
        if (credentials == null) return null;
        Jenkins.get();
        return null; // not reached: there is no Jenkins
    }
}
