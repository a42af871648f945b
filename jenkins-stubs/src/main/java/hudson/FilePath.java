// Compile-only stub (jenkins-stubs): signature copied from jenkins-api.md §2.2 (FilePath: constructors, getRemote, child, getChannel, isRemote, act, FileCallable); the real class comes from the Jenkins repository.
package hudson;

import hudson.remoting.VirtualChannel;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import org.jenkinsci.remoting.RoleSensitive;
import org.jenkinsci.remoting.SerializableOnlyOverRemoting;

/** Local-only stand-in: callables run in this JVM, on the calling thread (as FilePath.act does for a local path). */
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
        return callable.invoke(new File(remote), null);
    }

    public interface FileCallable<T> extends Serializable, RoleSensitive {
        T invoke(File f, VirtualChannel channel) throws IOException, InterruptedException;
    }

    @Override
    public String toString() { return remote; }
}
