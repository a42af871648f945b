package org.imagetree.jenkins.harness;

import hudson.FilePath;
import hudson.model.TaskListener;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The offline harness's agent (not a Jenkins class): {@code FilePath.act} of the stubs runs the callable here, in a
 * separate JVM, the way remoting runs it on an agent: the callable is serialized on the "controller", deserialized
 * in the child through a class filter in the spirit of JEP-200, invoked there, and its result (or exception)
 * serialized back through the same filter. A {@link TaskListener} inside the callable crosses as a stream back to
 * the caller's listener (remoting exports it the same way), and an interrupt of the calling thread interrupts the
 * callable in the child (as remoting forwards it). So a non-serializable field, or a controller-only object on the
 * agent path, fails a test here as it would fail on a real agent.
 *
 * <p>The filter is the rule Jenkins' {@code ClassFilterImpl} applies to everything remoting reads (jenkinsci/jenkins
 * tag jenkins-2.555.3, core/src/main/java/jenkins/security/ClassFilterImpl.java, {@code isBlacklisted} and
 * {@code isLocationWhitelisted}), with the plugin laid out as its hpi installs it:
 * <ul>
 *   <li>throwables, enums (and arrays of permitted classes) are permitted wherever they come from;</li>
 *   <li>a class is permitted by its <em>location</em>: Jenkins core and remoting, and jars whose manifest is a plugin's
 *       ({@code Short-Name} with {@code Plugin-Version} or {@code Jenkins-Version}) or says
 *       {@code Jenkins-ClassFilter-Whitelisted: true}. Here jenkins-stubs stands for core, remoting and the plugins the
 *       hpi depends on, and the plugin's own classes directory ({@code imagetree.plugin.classes}, the hpi's
 *       {@code WEB-INF/lib/image-tree.jar}, which has the plugin manifest) and test classes (as in a JenkinsRule
 *       test) are permitted. Every other jar or directory is what the hpi bundles in {@code WEB-INF/lib} without a
 *       plugin manifest: the engine (imagetree-core) and its libraries. Their classes are <em>rejected</em>, as a real
 *       agent channel rejects them, even where the reactor puts them in a {@code target/classes} directory (which
 *       ClassFilterImpl would pass as "current plugin classes" in a test, but which is a plain jar in the hpi);</li>
 *   <li>otherwise JDK classes only from {@link #JDK_ALLOWED} (each one is on Jenkins' {@code whitelisted-classes.txt}
 *       at that tag).</li>
 * </ul>
 * On top of Jenkins' rule, what lives only on the controller ({@link #CONTROLLER_ONLY}: runs, jobs, steps and their
 * executions and contexts, flow nodes, descriptors, credentials objects) is refused, so a callable cannot carry it.
 */
public final class AgentJvm {
    private AgentJvm() {}

    /** JDK types that may cross (JEP-200 keeps a list like this for the JDK; everything else is refused). */
    static final Set<String> JDK_ALLOWED = Set.of(
            "java.lang.String", "java.lang.Boolean", "java.lang.Integer", "java.lang.Long", "java.lang.Short",
            "java.lang.Byte", "java.lang.Character", "java.lang.Double", "java.lang.Float", "java.lang.Number",
            "java.lang.Enum", "java.lang.Object", "java.lang.Record",
            "java.lang.Throwable", "java.lang.Exception", "java.lang.RuntimeException", "java.lang.Error",
            "java.lang.IllegalStateException", "java.lang.IllegalArgumentException", "java.lang.NullPointerException",
            "java.lang.UnsupportedOperationException", "java.lang.InterruptedException", "java.lang.StackTraceElement",
            "java.lang.AssertionError", "java.lang.NoClassDefFoundError", "java.lang.LinkageError", "java.lang.ClassCastException",
            "java.lang.IndexOutOfBoundsException", "java.lang.ArrayIndexOutOfBoundsException",
            "java.io.IOException", "java.io.UncheckedIOException", "java.io.FileNotFoundException", "java.io.File",
            "java.io.NotSerializableException", "java.io.InvalidClassException", "java.io.ObjectStreamException",
            "java.nio.file.NoSuchFileException", "java.nio.file.FileSystemException", "java.nio.file.AccessDeniedException",
            "java.util.concurrent.CancellationException", "java.util.concurrent.ExecutionException",
            "java.util.ArrayList", "java.util.LinkedList", "java.util.HashMap", "java.util.LinkedHashMap", "java.util.TreeMap",
            "java.util.HashSet", "java.util.LinkedHashSet", "java.util.TreeSet", "java.util.Collections$EmptyList",
            "java.util.Collections$EmptyMap", "java.util.Collections$EmptySet", "java.util.Collections$UnmodifiableList",
            "java.util.Collections$UnmodifiableRandomAccessList", "java.util.Collections$UnmodifiableCollection",
            "java.util.Collections$UnmodifiableMap", "java.util.Collections$UnmodifiableSet",
            "java.util.Collections$SingletonList", "java.util.Collections$SingletonMap", "java.util.Collections$SingletonSet",
            "java.util.Collections$SynchronizedList", "java.util.Collections$SynchronizedRandomAccessList",
            "java.util.Collections$SynchronizedCollection", "java.util.Arrays$ArrayList",
            "java.util.ImmutableCollections$ListN", "java.util.ImmutableCollections$List12",
            "java.util.ImmutableCollections$SetN", "java.util.ImmutableCollections$Set12",
            "java.util.ImmutableCollections$MapN", "java.util.ImmutableCollections$Map1", "java.util.CollSer",
            "java.util.AbstractMap", "java.util.Optional",
            // HashMap and HashSet ask the filter about their table (Map.Entry[]) before allocating it
            "java.util.Map$Entry", "java.time.Duration", "java.time.Instant", "java.time.Ser",
            "java.lang.String$CaseInsensitiveComparator", "java.util.Comparators$NaturalOrderComparator",
            // an exported object's proxy carries its handler in Proxy's field h (whitelisted-classes.txt line 51)
            "java.lang.reflect.Proxy");

    /** Classes (and their subclasses) that exist only on the controller and must never be sent to an agent. */
    static final List<String> CONTROLLER_ONLY = List.of("hudson.model.Run", "hudson.model.Job", "hudson.model.Actionable",
            "hudson.model.Descriptor", "org.jenkinsci.plugins.workflow.steps.Step",
            "org.jenkinsci.plugins.workflow.steps.StepExecution", "org.jenkinsci.plugins.workflow.steps.StepContext",
            "org.jenkinsci.plugins.workflow.graph.FlowNode", "com.cloudbees.plugins.credentials.Credentials",
            "com.cloudbees.plugins.credentials.CredentialsProvider", "jenkins.model.Jenkins");

    /** The system property naming the plugin's own classes directory (plugin-offline's pom sets it for its tests). */
    public static final String PLUGIN_CLASSES = "imagetree.plugin.classes";

    /** Where classes come from, as ClassFilterImpl judges it: the trusted locations, and a cache of manifest checks. */
    static final class Locations {
        final List<String> trusted;
        private final java.util.Map<String, Boolean> manifests = new java.util.concurrent.ConcurrentHashMap<>();

        Locations(List<String> trusted) { this.trusted = List.copyOf(trusted); }

        /** Jenkins core, remoting and the hpi's dependencies (jenkins-stubs), the plugin's own classes, test classes. */
        static Locations of(Class<?> callable) {
            List<String> t = new ArrayList<>();
            t.add(codeSource(AgentJvm.class));
            String plugin = System.getProperty(PLUGIN_CLASSES);
            t.add(plugin != null ? new File(plugin).toURI().toString() : codeSource(callable));
            return new Locations(t);
        }

        boolean whitelisted(String location) {
            if (trusted.contains(location)) return true;
            if (location.endsWith("/test-classes/") || location.endsWith("-tests.jar")) return true; // as Main.isUnitTest
            return manifests.computeIfAbsent(location, Locations::pluginManifest);
        }

        /** A jar (or classes directory) whose manifest is a plugin's or carries Jenkins-ClassFilter-Whitelisted: true. */
        private static boolean pluginManifest(String location) {
            try {
                File f = new File(java.net.URI.create(location));
                java.util.jar.Manifest mf = null;
                if (f.isFile()) {
                    try (java.util.jar.JarFile jar = new java.util.jar.JarFile(f, false)) {
                        mf = jar.getManifest();
                    }
                } else if (new File(f, "META-INF/MANIFEST.MF").isFile()) {
                    try (InputStream in = Files.newInputStream(new File(f, "META-INF/MANIFEST.MF").toPath())) {
                        mf = new java.util.jar.Manifest(in);
                    }
                }
                if (mf == null) return false;
                java.util.jar.Attributes a = mf.getMainAttributes();
                return a.getValue("Short-Name") != null && (a.getValue("Plugin-Version") != null || a.getValue("Jenkins-Version") != null)
                        || "true".equals(a.getValue("Jenkins-ClassFilter-Whitelisted"));
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
    }

    /** The class's code source location as ClassFilterImpl.codeSource gives it (null for the Java platform). */
    static String codeSource(Class<?> c) {
        java.security.CodeSource cs = c.getProtectionDomain().getCodeSource();
        if (cs == null || cs.getLocation() == null) return null;
        return cs.getLocation().toString();
    }

    /** The filter used in both directions; remembers what it refused and why, for the message. */
    static final class Filter implements ObjectInputFilter {
        private final Locations locations;
        private volatile String rejected;
        private volatile String why;
        private final java.util.Deque<String> seen = new java.util.ArrayDeque<>();

        Filter(Locations locations) { this.locations = locations; }

        @Override
        public Status checkInput(FilterInfo info) {
            Class<?> c = info.serialClass();
            if (c == null) return Status.UNDECIDED;
            while (c.isArray()) c = c.getComponentType();
            String verdict = c.isPrimitive() ? null : refusal(c, locations);
            if (verdict == null) {
                if (seen.size() == 4) seen.removeFirst();
                seen.addLast(info.serialClass().getName());
                return Status.ALLOWED;
            }
            rejected = info.serialClass().getName();
            why = verdict;
            return Status.REJECTED;
        }

        IOException refused(InvalidClassException e) {
            return new IOException("Refusing to unmarshal " + rejected + " for security reasons (class filter in the spirit of JEP-200): "
                    + why + (seen.isEmpty() ? "" : "; read before it: " + String.join(", ", seen)), e);
        }
    }

    /** Null when {@code c} may cross, else why not (Jenkins' ClassFilterImpl rule, plus the controller-only classes). */
    static String refusal(Class<?> c, Locations locations) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            if (CONTROLLER_ONLY.contains(k.getName())) return "it lives only on the controller (" + k.getName() + ")";
            for (Class<?> i : k.getInterfaces()) if (controllerOnlyInterface(i)) return "it lives only on the controller (" + i.getName() + ")";
        }
        if (Throwable.class.isAssignableFrom(c) || Enum.class.isAssignableFrom(c)) return null;
        if (java.lang.reflect.Proxy.isProxyClass(c)) {
            // An exported object's proxy (HarnessChannel): as remoting's, it may cross when its interfaces may.
            for (Class<?> i : c.getInterfaces()) {
                String no = refusal(i, locations);
                if (no != null) return no;
            }
            return null;
        }
        String location = codeSource(c);
        if (location != null && !location.startsWith("jrt:") && locations.whitelisted(location)) return null;
        if (JDK_ALLOWED.contains(c.getName())) return null;
        return c.getName() + " in " + (location != null ? location : "JRE")
                + (location != null && !location.startsWith("jrt:")
                        ? " might be dangerous, so rejecting (a jar the plugin bundles without a plugin manifest, as Jenkins' ClassFilterImpl rejects it)"
                        : " might be dangerous, so rejecting (not on Jenkins' whitelisted-classes.txt)");
    }

    private static boolean controllerOnlyInterface(Class<?> i) {
        if (CONTROLLER_ONLY.contains(i.getName())) return true;
        for (Class<?> s : i.getInterfaces()) if (controllerOnlyInterface(s)) return true;
        return false;
    }

    /** The listener as it crosses: output goes back to the caller's listener over the child's standard output. */
    static final class RemoteListener implements TaskListener {
        private static final long serialVersionUID = 1L;
        private transient PrintStream logger;

        @Override
        public synchronized PrintStream getLogger() {
            if (logger == null) logger = new PrintStream(new FileOutputStreamOfStdout(), true, StandardCharsets.UTF_8);
            return logger;
        }
    }

    /** The child's real standard output (System.out is redirected to stderr so stray prints cannot corrupt the log). */
    static final class FileOutputStreamOfStdout extends OutputStream {
        @Override
        public void write(int b) { STDOUT.write(b); }

        @Override
        public void write(byte[] b, int off, int len) { STDOUT.write(b, off, len); }

        @Override
        public void flush() { STDOUT.flush(); }
    }

    private static PrintStream STDOUT = System.out;

    /** Serialization of the callable: listeners are replaced by the remote stand-in, as remoting exports them. */
    private static final class ControllerOutput extends ObjectOutputStream {
        ControllerOutput(OutputStream out) throws IOException {
            super(out);
            enableReplaceObject(true);
        }

        @Override
        protected Object replaceObject(Object obj) {
            return obj instanceof TaskListener && !(obj instanceof RemoteListener) ? new RemoteListener() : obj;
        }
    }

    /** Outcome sent back from the child. */
    private record Outcome(Object value, Throwable error) implements Serializable {}

    /**
     * Runs {@code callable.invoke(dir, null)} in a new JVM with this JVM's class path.
     *
     * The callable's console output goes to the first {@link TaskListener} field it holds (else this JVM's stdout).
     */
    public static <T> T act(FilePath.FileCallable<T> callable, File dir) throws IOException, InterruptedException {
        TaskListener listener = findListener(callable);
        Locations locations = Locations.of(callable.getClass());
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ControllerOutput(request)) {
            out.writeObject(dir.getAbsolutePath());
            out.writeObject(callable);
        }
        Path exchange = Files.createTempDirectory("agent-jvm");
        java.net.ServerSocket callbacks = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread server = serveCallbacks(callbacks, locations);
        try {
            Path requestFile = exchange.resolve("request");
            Path responseFile = exchange.resolve("response");
            Files.write(requestFile, request.toByteArray());
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                    AgentJvm.class.getName(), requestFile.toString(), responseFile.toString(), String.valueOf(callbacks.getLocalPort())));
            command.addAll(locations.trusted); // the child judges classes by the same locations
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.redirectError(ProcessBuilder.Redirect.INHERIT);
            Process p = pb.start();
            Thread pump = pump(p.getInputStream(), listener == null ? System.out : listener.getLogger());
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                // As remoting: the interrupt is forwarded to the thread running the callable, which then ends.
                try (OutputStream in = p.getOutputStream()) {
                    in.write("interrupt\n".getBytes(StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // the child is gone already
                }
                p.waitFor();
                pump.join();
                Thread.currentThread().interrupt();
            }
            pump.join();
            if (!Files.exists(responseFile)) throw new IOException("agent JVM exited " + p.exitValue() + " without an answer");
            Outcome outcome;
            Filter filter = new Filter(locations);
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(Files.readAllBytes(responseFile)))) {
                in.setObjectInputFilter(filter);
                outcome = (Outcome) in.readObject();
            } catch (InvalidClassException e) {
                throw filter.refused(e);
            } catch (ClassNotFoundException e) {
                throw new IOException(e);
            }
            if (outcome.error() != null) throw rethrow(outcome.error());
            @SuppressWarnings("unchecked")
            T value = (T) outcome.value();
            if (Thread.interrupted()) throw new InterruptedException();
            return value;
        } finally {
            callbacks.close();
            server.interrupt();
            try (var files = Files.list(exchange)) {
                for (Path f : files.toList()) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(exchange);
        }
    }

    /**
     * The controller's end of the exported objects' calls (HarnessChannel): each connection is one call from the agent,
     * read through the class filter, run on its own thread (a call may wait long, e.g. for a downstream build, while
     * others come), answered through the filter.
     */
    private static Thread serveCallbacks(java.net.ServerSocket server, Locations locations) {
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                java.net.Socket s;
                try {
                    s = server.accept();
                } catch (IOException e) {
                    return; // closed: the act ended
                }
                Thread call = new Thread(() -> answer(s, locations), "agent-jvm-callback");
                call.setDaemon(true);
                call.start();
            }
        }, "agent-jvm-callbacks");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void answer(java.net.Socket s, Locations locations) {
        try (s) {
            Filter filter = new Filter(locations);
            HarnessChannel.Answer answer;
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(HarnessChannel.unframe(s)))) {
                in.setObjectInputFilter(filter);
                answer = HarnessChannel.serve((HarnessChannel.Call) in.readObject());
            } catch (InvalidClassException e) {
                answer = new HarnessChannel.Answer(null, filter.refused(e));
            } catch (ClassNotFoundException e) {
                answer = new HarnessChannel.Answer(null, new IOException(e));
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(answer);
            } catch (IOException e) {
                bytes.reset();
                try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                    out.writeObject(new HarnessChannel.Answer(null, new IOException("cannot send the answer back: " + e)));
                }
            }
            HarnessChannel.frame(s, bytes.toByteArray());
        } catch (IOException e) {
            // the agent went away mid-call
        }
    }

    /** The agent JVM's filter (for what comes back from the controller's exported objects). */
    static Filter agentFilter() {
        return new Filter(agentLocations);
    }

    private static volatile Locations agentLocations = new Locations(List.of());

    private static IOException rethrow(Throwable t) throws InterruptedException {
        if (t instanceof IOException io) return io;
        if (t instanceof InterruptedException ie) throw ie;
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error er) throw er;
        return new IOException(t);
    }

    private static TaskListener findListener(Object callable) {
        for (Class<?> c = callable.getClass(); c != null; c = c.getSuperclass()) {
            for (var f : c.getDeclaredFields()) {
                if (TaskListener.class.isAssignableFrom(f.getType()) && !java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                    try {
                        f.setAccessible(true);
                        return (TaskListener) f.get(callable);
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        return null;
                    }
                }
            }
        }
        return null;
    }

    private static Thread pump(InputStream from, PrintStream to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = from.read(buf)) > 0; ) {
                    to.write(buf, 0, n);
                    to.flush();
                }
            } catch (IOException ignored) {
                // the child ended
            }
        }, "agent-jvm-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The child: deserialize through the filter, invoke, serialize the outcome through the same filter. */
    public static void main(String[] args) throws Exception {
        STDOUT = System.out;
        System.setOut(System.err);
        Path requestFile = Path.of(args[0]);
        Path responseFile = Path.of(args[1]);
        Outcome outcome;
        HarnessChannel.callbackPort = Integer.parseInt(args[2]);
        agentLocations = new Locations(List.of(args).subList(3, args.length));
        Filter filter = new Filter(agentLocations);
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(Files.readAllBytes(requestFile)))) {
            in.setObjectInputFilter(filter);
            String dir = (String) in.readObject();
            FilePath.FileCallable<?> callable = (FilePath.FileCallable<?>) in.readObject();
            outcome = invoke(callable, new File(dir));
        } catch (InvalidClassException e) {
            outcome = new Outcome(null, filter.refused(e));
        }
        STDOUT.flush();
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(response)) {
            out.writeObject(outcome);
        } catch (IOException e) {
            // A result that cannot be serialized fails the call, as remoting would.
            response.reset();
            try (ObjectOutputStream out = new ObjectOutputStream(response)) {
                out.writeObject(new Outcome(null, new IOException("cannot send the result back: " + e)));
            }
        }
        Files.write(responseFile, response.toByteArray());
        System.exit(0);
    }

    private static Outcome invoke(FilePath.FileCallable<?> callable, File dir) {
        Thread worker = Thread.currentThread();
        Thread watcher = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) if (line.equals("interrupt")) worker.interrupt();
            } catch (IOException ignored) {
                // the controller is gone
            }
        }, "agent-jvm-interrupts");
        watcher.setDaemon(true);
        watcher.start();
        try {
            return new Outcome(callable.invoke(dir, null), null);
        } catch (Throwable t) {
            return new Outcome(null, t);
        }
    }

    /**
     * For tests: the filter's verdict on a class, with the plugin's own classes where {@code imagetree.plugin.classes}
     * says (else where {@code pluginClass} was loaded from).
     */
    public static boolean mayCross(Class<?> c, Class<?> pluginClass) { return refusal(c, Locations.of(pluginClass)) == null; }

    /** Why {@code c} may not cross (null when it may). */
    public static String whyNot(Class<?> c, Class<?> pluginClass) { return refusal(c, Locations.of(pluginClass)); }


}
