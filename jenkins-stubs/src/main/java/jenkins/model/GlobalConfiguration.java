// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/jenkins/model/GlobalConfiguration.java: a subset of its signatures, nothing it lacks.
package jenkins.model;

import hudson.ExtensionList;
import hudson.ExtensionPoint;
import hudson.model.Describable;
import hudson.model.Descriptor;

public abstract class GlobalConfiguration extends Descriptor<GlobalConfiguration> implements ExtensionPoint, Describable<GlobalConfiguration> {
    protected GlobalConfiguration() {
        super(self());
    }

    @Override
    public final Descriptor<GlobalConfiguration> getDescriptor() { return this; }

    /** As the real one: Jenkins.get().getDescriptorList(...), so it throws outside Jenkins. */
    public static ExtensionList<GlobalConfiguration> all() {
        Jenkins.get();
        return ExtensionList.lookup(GlobalConfiguration.class); // not reached: there is no Jenkins
    }
}
