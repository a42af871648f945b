// Compile-only stub (jenkins-stubs): signature copied from jenkinsci/jenkins core/src/main/java/jenkins/model/GlobalConfiguration.java (read with read_file; not in jenkins-api.md); the real class comes from the Jenkins repository.
package jenkins.model;

import hudson.ExtensionList;
import hudson.ExtensionPoint;
import hudson.model.Describable;
import hudson.model.Descriptor;

public abstract class GlobalConfiguration extends Descriptor<GlobalConfiguration> implements ExtensionPoint, Describable<GlobalConfiguration> {
    protected GlobalConfiguration() {
        super();
    }

    @Override
    public final Descriptor<GlobalConfiguration> getDescriptor() { return this; }

    @Override
    public String getDisplayName() { return ""; }

    public static ExtensionList<GlobalConfiguration> all() { return ExtensionList.empty(); }
}
