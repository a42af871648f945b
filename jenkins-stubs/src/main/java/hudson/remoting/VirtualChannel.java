// Compile-only stub (jenkins-stubs), checked against jenkinsci/remoting tag 3355.v388858a_47b_33 (the version jenkins-2.555.3 pins), src/main/java/hudson/remoting/VirtualChannel.java: a subset of its signatures, nothing it lacks.
package hudson.remoting;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.Nullable;

public interface VirtualChannel {
    /**
     * As remoting's: a proxy implementing {@code type} that can travel to the other side of the channel, where calling
     * its methods invokes {@code instance} here (arguments and results serialized). The offline harness's channel
     * ({@code org.imagetree.jenkins.harness.HarnessChannel}) does it over a loopback socket to the agent JVM.
     */
    @Nullable
    <T> T export(Class<T> type, @CheckForNull T instance);
}
