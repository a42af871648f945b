// Compile-only stub (jenkins-stubs), checked against jenkinsci/credentials-plugin tag 1502.v5c95e620ddfe (newest tag in the mirror; the BOM manages 1511.v2e3cb_0008ef0), src/main/java/com/cloudbees/plugins/credentials/common/AbstractIdCredentialsListBoxModel.java: a subset of its signatures, nothing it lacks.
package com.cloudbees.plugins.credentials.common;

import com.cloudbees.plugins.credentials.CredentialsMatcher;
import com.cloudbees.plugins.credentials.domains.DomainRequirement;
import hudson.model.ItemGroup;
import hudson.util.ListBoxModel;
import java.util.List;
import org.springframework.security.core.Authentication;

/** The real lookups go through CredentialsProvider, which needs a running Jenkins. */
public abstract class AbstractIdCredentialsListBoxModel<T extends AbstractIdCredentialsListBoxModel<T, C>, C extends IdCredentials>
        extends ListBoxModel {
    private static final long serialVersionUID = 1L;

    public AbstractIdCredentialsListBoxModel<T, C> includeEmptyValue() {
        if (isEmpty() || !"".equals(get(0).value)) add(0, new Option("- none -", ""));
        return this;
    }

    public AbstractIdCredentialsListBoxModel<T, C> includeMatchingAs(Authentication authentication, ItemGroup context,
            Class<? extends C> type, List<DomainRequirement> domainRequirements, CredentialsMatcher matcher) {
        jenkins.model.Jenkins.get(); // no credentials store outside a running Jenkins
        return this;
    }

    public AbstractIdCredentialsListBoxModel<T, C> includeCurrentValue(String value) {
        if (value == null || value.isEmpty()) return includeEmptyValue();
        if (stream().anyMatch(o -> value.equals(o.value))) return this;
        int index = isEmpty() ? 0 : "".equals(get(0).value) ? 1 : 0;
        add(index, new Option("- current -", value));
        return this;
    }
}
