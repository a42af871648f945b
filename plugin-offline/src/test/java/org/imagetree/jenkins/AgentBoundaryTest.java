package org.imagetree.jenkins;

import hudson.FilePath;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import jenkins.MasterToSlaveFileCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.NotSerializableException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The offline harness's agent boundary: {@code FilePath.act} runs a callable in another JVM, serialized both ways
 * through a JEP-200-like class filter, so what the steps send to their agent is checked as a real channel would.
 */
class AgentBoundaryTest {
    @TempDir Path workspace;

    static final class Pid extends MasterToSlaveFileCallable<Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long invoke(File f, VirtualChannel channel) { return ProcessHandle.current().pid(); }
    }

    @Test
    void theCallableRunsInAnotherJvm() throws Exception {
        long agent = new FilePath(workspace.toFile()).act(new Pid());
        assertThat(agent).isNotEqualTo(ProcessHandle.current().pid());
    }

    static final class NotSerializableField extends MasterToSlaveFileCallable<String> {
        private static final long serialVersionUID = 1L;
        @SuppressWarnings("unused") private final Object lock = new Object();

        @Override
        public String invoke(File f, VirtualChannel channel) { return "never"; }
    }

    @Test
    void aNonSerializableFieldFailsAsOnARealChannel() {
        assertThatThrownBy(() -> new FilePath(workspace.toFile()).act(new NotSerializableField()))
                .isInstanceOf(NotSerializableException.class).hasMessageContaining("java.lang.Object");
    }

    /** The classic mistake: a callable that reaches the step's context (serializable, but controller-only). */
    static final class CarriesTheStepContext extends MasterToSlaveFileCallable<String> {
        private static final long serialVersionUID = 1L;
        private final TestStepContext context;

        CarriesTheStepContext(TestStepContext context) { this.context = context; }

        @Override
        public String invoke(File f, VirtualChannel channel) { return "never"; }
    }

    @Test
    void aControllerOnlyObjectIsRefusedOnTheAgent() {
        TestStepContext context = new TestStepContext(workspace, java.util.Map.of());
        assertThatThrownBy(() -> new FilePath(workspace.toFile()).act(new CarriesTheStepContext(context)))
                .isInstanceOf(IOException.class).hasMessageStartingWith("Refusing to unmarshal org.imagetree.jenkins.TestStepContext"
                        + " for security reasons (class filter in the spirit of JEP-200)");
    }

    static final class ReturnsAnUnlistedJdkType extends MasterToSlaveFileCallable<AtomicLong> {
        private static final long serialVersionUID = 1L;

        @Override
        public AtomicLong invoke(File f, VirtualChannel channel) { return new AtomicLong(1); }
    }

    @Test
    void aResultOfAJdkTypeOutsideTheListIsRefusedOnTheController() {
        assertThatThrownBy(() -> new FilePath(workspace.toFile()).act(new ReturnsAnUnlistedJdkType()))
                .isInstanceOf(IOException.class).hasMessageContaining("Refusing to unmarshal")
                .hasMessageContaining("java.util.concurrent.atomic.AtomicLong");
    }

    /** An engine object (imagetree-core is a jar the hpi bundles in WEB-INF/lib, without a plugin manifest). */
    static final class ReturnsAnEngineObject extends MasterToSlaveFileCallable<org.imagetree.config.SecretMask> {
        private static final long serialVersionUID = 1L;

        @Override
        public org.imagetree.config.SecretMask invoke(File f, VirtualChannel channel) {
            return org.imagetree.config.SecretMask.of(java.util.List.of("a-long-enough-secret"));
        }
    }

    @Test
    void classesOfABundledJarWithoutAPluginManifestAreRefusedAsJenkinsClassFilterImplRefusesThem() {
        // ClassFilterImpl permits by location: core, plugin jars, jars marked Jenkins-ClassFilter-Whitelisted. The engine
        // is none of them in the hpi, whether the reactor hands it over as a jar or as core/target/classes.
        assertThat(org.imagetree.jenkins.harness.AgentJvm.whyNot(org.imagetree.config.SecretMask.class, FormFields.class))
                .startsWith("org.imagetree.config.SecretMask in file:").contains("without a plugin manifest");
        assertThat(org.imagetree.jenkins.harness.AgentJvm.mayCross(EngineSettings.class, FormFields.class)).as("the plugin's own classes").isTrue();
        assertThat(org.imagetree.jenkins.harness.AgentJvm.mayCross(hudson.util.Secret.class, FormFields.class)).as("Jenkins core").isTrue();
        assertThat(org.imagetree.jenkins.harness.AgentJvm.mayCross(org.imagetree.InputError.class, FormFields.class))
                .as("a throwable, wherever it comes from").isTrue();
        assertThatThrownBy(() -> new FilePath(workspace.toFile()).act(new ReturnsAnEngineObject()))
                .isInstanceOf(IOException.class).hasMessageStartingWith("Refusing to unmarshal org.imagetree.config.SecretMask")
                .hasMessageContaining("without a plugin manifest");
    }

    static final class WaitsForAnInterrupt extends MasterToSlaveFileCallable<String> {
        private static final long serialVersionUID = 1L;
        private final TaskListener listener;

        WaitsForAnInterrupt(TaskListener listener) { this.listener = listener; }

        @Override
        public String invoke(File f, VirtualChannel channel) {
            listener.getLogger().println("started on the agent");
            try {
                new CompletableFuture<Void>().get();
                return "not interrupted";
            } catch (InterruptedException e) {
                listener.getLogger().println("interrupted on the agent");
                return "interrupted";
            } catch (Exception e) {
                return e.toString();
            }
        }
    }

    @Test
    void consoleOutputComesBackAndAnInterruptReachesTheCallable() throws Exception {
        TestStepContext.BufferListener listener = new TestStepContext.BufferListener();
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                outcome.complete(new FilePath(workspace.toFile()).act(new WaitsForAnInterrupt(listener)));
            } catch (Throwable t) {
                outcome.completeExceptionally(t);
            }
        });
        caller.start();
        while (!listener.text().contains("started on the agent")) {
            assertThat(caller.isAlive()).as(listener.text()).isTrue();
            Thread.onSpinWait();
        }
        caller.interrupt();
        caller.join(TimeUnit.MINUTES.toMillis(2));
        assertThat(listener.text()).contains("interrupted on the agent");
        assertThat(outcome).isCompletedExceptionally();
    }

    /** What a callable calls back on the controller (as servicePipeline's PipelineCallbacks). */
    public interface Back {
        long pid() throws IOException, InterruptedException;

        String echo(Object value) throws IOException, InterruptedException;

        String block() throws IOException, InterruptedException;
    }

    static final class BackImpl implements Back {
        final CompletableFuture<Void> blocked = new CompletableFuture<>();
        final java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);

        @Override public long pid() { return ProcessHandle.current().pid(); }

        @Override public String echo(Object value) { return "got " + value; }

        @Override public String block() throws InterruptedException {
            entered.countDown();
            try {
                blocked.get();
            } catch (java.util.concurrent.ExecutionException e) {
                return "failed";
            }
            return "released";
        }
    }

    static final class CallsBack extends MasterToSlaveFileCallable<String> {
        private static final long serialVersionUID = 1L;
        private final Back back;
        private final String what;

        CallsBack(Back back, String what) {
            this.back = back;
            this.what = what;
        }

        @Override
        public String invoke(File f, VirtualChannel channel) throws IOException, InterruptedException {
            return switch (what) {
                case "pid" -> back.pid() + " from " + ProcessHandle.current().pid();
                case "echo" -> back.echo(java.util.List.of("a", "b"));
                case "refused" -> back.echo(new AtomicLong(3));
                default -> {
                    try {
                        yield back.block();
                    } catch (InterruptedException e) {
                        yield "interrupted while calling back";
                    }
                }
            };
        }
    }

    @Test
    void anExportedObjectIsCalledBackOnTheControllerThroughTheSameClassFilter() throws Exception {
        FilePath ws = new FilePath(workspace.toFile());
        BackImpl impl = new BackImpl();
        Back exported = ws.getChannel().export(Back.class, impl);
        assertThat(ws.getChannel().export(Back.class, null)).as("as remoting: null is not exported").isNull();
        String[] pids = ws.act(new CallsBack(exported, "pid")).split(" from ");
        assertThat(Long.parseLong(pids[0])).as("the call ran on the controller").isEqualTo(ProcessHandle.current().pid());
        assertThat(Long.parseLong(pids[1])).as("called from the agent").isNotEqualTo(ProcessHandle.current().pid());
        assertThat(ws.act(new CallsBack(exported, "echo"))).isEqualTo("got [a, b]");
        // An argument the controller's filter refuses fails the call, as on a real channel.
        assertThatThrownBy(() -> ws.act(new CallsBack(exported, "refused"))).isInstanceOf(IOException.class)
                .hasMessageContaining("Refusing to unmarshal java.util.concurrent.atomic.AtomicLong");
        org.imagetree.jenkins.harness.HarnessChannel.unexport(exported);
        assertThatThrownBy(() -> ws.act(new CallsBack(exported, "pid"))).isInstanceOf(IOException.class).hasMessageContaining("unexported");
    }

    @Test
    void anInterruptOnTheAgentEndsAWaitingCallBack() throws Exception {
        FilePath ws = new FilePath(workspace.toFile());
        BackImpl impl = new BackImpl();
        Back exported = ws.getChannel().export(Back.class, impl);
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                outcome.complete(ws.act(new CallsBack(exported, "block")));
            } catch (Throwable t) {
                outcome.completeExceptionally(t);
            }
        });
        caller.start();
        assertThat(impl.entered.await(2, TimeUnit.MINUTES)).as("the call reached the controller").isTrue();
        caller.interrupt();
        caller.join(TimeUnit.MINUTES.toMillis(2));
        assertThat(outcome).isCompletedExceptionally();
        impl.blocked.complete(null);
    }
}
