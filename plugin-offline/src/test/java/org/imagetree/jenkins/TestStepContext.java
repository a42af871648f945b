package org.imagetree.jenkins;

import hudson.EnvVars;
import hudson.FilePath;
import hudson.model.Job;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.AbortException;
import hudson.util.Secret;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * What a Pipeline gives a step inside {@code node { }}: a real {@link FilePath} over a temporary workspace, a
 * console {@link TaskListener} writing to a buffer, the build's {@link EnvVars} and its {@link Run}. Records the
 * step's outcome as Pipeline would receive it.
 */
final class TestStepContext extends StepContext {
    private static final long serialVersionUID = 1L;

    static final class TestJob extends Job<TestJob, TestRun> {
        TestJob() { super(null, "test"); }
    }

    static final class TestRun extends Run<TestJob, TestRun> {
        TestRun() { super(new TestJob(), System.currentTimeMillis()); }

        @Override
        public String getFullDisplayName() { return "test #1"; }
    }

    static final class BufferListener implements TaskListener {
        private static final long serialVersionUID = 1L;
        private final transient ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final transient PrintStream logger = new PrintStream(buffer, true, StandardCharsets.UTF_8);

        @Override
        public PrintStream getLogger() { return logger; }

        String text() {
            synchronized (buffer) {
                return buffer.toString(StandardCharsets.UTF_8);
            }
        }
    }

    /** The step's node in the flow graph (holds the WarningAction of an unstable result). */
    static final class TestFlowNode extends FlowNode {
        TestFlowNode() { super(null, "1", List.of()); }
    }

    /**
     * What Jenkins' controller side gives a step, without Jenkins: the administrator's defaults and a credentials
     * store of username/password logins by id and host (as a credentials domain restricted to one host would),
     * recording every resolution so tests can tell which steps asked for a secret.
     */
    static final class TestController implements ControllerSide {
        volatile StepDefaults defaults = StepDefaults.NONE;
        private final Map<String, String[]> store = new HashMap<>();
        final List<String> resolved = new CopyOnWriteArrayList<>();

        /** A username/password credential usable only for {@code host}. */
        TestController credential(String id, String host, String username, String password) {
            store.put(id, new String[] {host, username, password});
            return this;
        }

        @Override
        public StepDefaults defaults() { return defaults; }

        @Override
        public RegistryLogin login(Run<?, ?> run, String registryUrl, String credentialsId) throws AbortException {
            resolved.add(credentialsId);
            String host = JenkinsControllerSide.hostname(registryUrl);
            String[] c = store.get(credentialsId);
            if (c == null || !c[0].equals(host)) {
                throw new AbortException("Could not find credentials matching '" + credentialsId + "' for registry host " + host);
            }
            return new RegistryLogin(credentialsId, c[1], Secret.fromString(c[2]));
        }

        // servicePipeline's controller services, as a Jenkins with jobs, a Mailer plugin or none, artifacts, credentials.

        /** A job {@code schedule} can start: the result its build ends with, and a latch the build waits on. */
        record DownstreamJob(String name, hudson.model.Result result, java.util.concurrent.CountDownLatch release) {}

        /** A build {@code schedule} started: job, parameters, the authentication it was checked as, whether it has ended. */
        record Scheduled(String job, Map<String, String> parameters, Object authentication, java.util.concurrent.atomic.AtomicBoolean finished) {}

        final Map<String, DownstreamJob> jobs = new java.util.concurrent.ConcurrentHashMap<>();
        final List<Scheduled> scheduled = new CopyOnWriteArrayList<>();
        volatile boolean mailer;
        final List<List<String>> mails = new CopyOnWriteArrayList<>();
        final Map<String, String> secretTexts = new java.util.concurrent.ConcurrentHashMap<>();
        final Map<String, String> buildParameters = new java.util.LinkedHashMap<>();
        final List<String> archived = new CopyOnWriteArrayList<>();
        volatile Path artifacts;

        TestController job(String name, hudson.model.Result result, java.util.concurrent.CountDownLatch release) {
            jobs.put(name, new DownstreamJob(name, result, release));
            return this;
        }

        @Override
        public Object authentication() { return "build-user"; }

        @Override
        public Downstream schedule(Run<?, ?> upstream, Object authentication, String job, Map<String, String> parameters) throws AbortException {
            DownstreamJob j = jobs.get(job);
            if (j == null) throw new AbortException("No item named " + job + " found");
            Scheduled s = new Scheduled(job, Map.copyOf(parameters), authentication, new java.util.concurrent.atomic.AtomicBoolean());
            scheduled.add(s);
            int number = scheduled.size();
            return new Downstream() {
                @Override public String displayName() { return j.name() + " #" + number; }

                @Override public hudson.model.Result await() throws InterruptedException {
                    j.release().await();
                    s.finished().set(true);
                    return j.result();
                }
            };
        }

        @Override
        public java.util.Optional<String> mailProblem() {
            return mailer ? java.util.Optional.empty() : java.util.Optional.of("notify needs the Mailer plugin, which is not installed");
        }

        @Override
        public void mail(List<String> to, String subject, String body) { mails.add(List.of(String.join(",", to), subject, body)); }

        @Override
        public void archive(Run<?, ?> run, FilePath workspace, String path, TaskListener listener) throws java.io.IOException {
            Path target = artifacts.resolve(path);
            java.nio.file.Files.createDirectories(target.getParent());
            java.nio.file.Files.copy(Path.of(workspace.getRemote()).resolve(path), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            archived.add(path);
        }

        @Override
        public Map<String, Secret> credential(Run<?, ?> run, String id, String name) throws AbortException {
            String value = secretTexts.get(id);
            if (value == null) throw new AbortException("Could not find credentials '" + id + "' for this build");
            return Map.of(name, Secret.fromString(value));
        }

        @Override
        public Map<String, String> parameters(Run<?, ?> run) { return Map.copyOf(buildParameters); }
    }

    private final transient Path workspace;
    final transient TestController controller = new TestController();
    final transient TestFlowNode node = new TestFlowNode();
    private final transient EnvVars env;
    final transient BufferListener listener = new BufferListener();
    final transient TestRun run = new TestRun();
    private final transient CompletableFuture<Object> outcome = new CompletableFuture<>();

    TestStepContext(Path workspace, Map<String, String> env) {
        this.workspace = workspace;
        this.env = new EnvVars(env);
    }

    @Override
    public <T> T get(Class<T> key) {
        if (key == FilePath.class) return key.cast(new FilePath(workspace.toFile()));
        if (key == TaskListener.class) return key.cast(listener);
        if (key == EnvVars.class) return key.cast(new EnvVars(env));
        if (key == Run.class) return key.cast(run);
        if (key == FlowNode.class) return key.cast(node);
        if (key == ControllerSide.class) return key.cast(controller);
        return null;
    }

    @Override
    public void onSuccess(Object result) { outcome.complete(result); }

    @Override
    public void onFailure(Throwable t) { outcome.completeExceptionally(t); }

    @Override
    public boolean isReady() { return outcome.isDone(); }

    @Override
    public boolean equals(Object o) { return o == this; }

    @Override
    public int hashCode() { return System.identityHashCode(this); }

    String log() { return listener.text(); }

    /** Starts the step as Pipeline does and returns its execution (the step runs on). */
    StepExecution start(Step step) throws Exception {
        StepExecution e = step.start(this);
        boolean done = e.start();
        if (done && !outcome.isDone()) throw new IllegalStateException("step said it finished but reported nothing");
        return e;
    }

    /** The step's result, or its failure thrown as it would surface in the Pipeline. */
    Object await(Duration timeout) throws Throwable {
        try {
            return outcome.get(timeout.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause();
        }
    }

    /** Runs a step to completion. */
    Object run(Step step, Duration timeout) throws Throwable {
        start(step);
        return await(timeout);
    }
}
