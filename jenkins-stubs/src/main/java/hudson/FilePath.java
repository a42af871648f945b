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

    /** As the real one, never null: here the harness's channel to its agent JVM (which exports objects to it). */
    public VirtualChannel getChannel() { return org.imagetree.jenkins.harness.HarnessChannel.INSTANCE; }

    public boolean isRemote() { return false; }

    /** Never called by the harness's tests (the real one makes a launcher on the workspace's node). */
    public Launcher createLauncher(hudson.model.TaskListener listener) throws IOException, InterruptedException {
        throw new IOException("no launcher in the offline harness");
    }

    public <T> T act(FileCallable<T> callable) throws IOException, InterruptedException {
        return org.imagetree.jenkins.harness.AgentJvm.act(callable, new File(remote));
    }

    public interface FileCallable<T> extends Serializable, RoleSensitive {
        T invoke(File f, VirtualChannel channel) throws IOException, InterruptedException;
    }

    @Override
    public String toString() { return remote; }
}
