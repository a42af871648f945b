// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/hudson/FilePath.java: a subset of its signatures, nothing it lacks.
package hudson;

import hudson.remoting.VirtualChannel;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import org.jenkinsci.remoting.RoleSensitive;
import org.jenkinsci.remoting.SerializableOnlyOverRemoting;

/**
 * The offline harness's workspace: {@link #act} runs the callable as on a remote agent, in a separate JVM (serialized
 * there and back through a JEP-200-like class filter; see {@code org.imagetree.jenkins.harness.AgentJvm}), so what
 * works offline also crosses a real agent channel.
 */
public final class FilePath implements SerializableOnlyOverRemoting {
    private static final long serialVersionUID = 1L;
    private final String remote;

    public FilePath(File localPath) { this.remote = localPath.getPath(); }

    public FilePath(VirtualChannel channel, String remote) { this.remote = remote; }

    public String getRemote() { return remote; }

    public FilePath child(String relOrAbsolute) {
        File f = new File(relOrAbsolute);
        return new FilePath(f.isAbsolute() ? f : new File(remote, relOrAbsolute));
    }

    public VirtualChannel getChannel() { return null; }

    public boolean isRemote() { return false; }

    public <T> T act(FileCallable<T> callable) throws IOException, InterruptedException {
        return org.imagetree.jenkins.harness.AgentJvm.act(callable, new File(remote));
    }

    public interface FileCallable<T> extends Serializable, RoleSensitive {
        T invoke(File f, VirtualChannel channel) throws IOException, InterruptedException;
    }

    @Override
    public String toString() { return remote; }
}
