package org.imagetree.jenkins.harness;

import hudson.remoting.VirtualChannel;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.lang.reflect.UndeclaredThrowableException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The offline harness's channel to its agent JVM (not a Jenkins class), for {@link VirtualChannel#export}: as remoting's
 * {@code Channel.export} (jenkinsci/remoting tag 3355.v388858a_47b_33, src/main/java/hudson/remoting/Channel.java and
 * RemoteInvocationHandler.java), the returned proxy implements the interface; serialized into a callable, it arrives on
 * the agent as a proxy whose calls travel back and run on the exported instance here. Arguments, results and
 * exceptions cross through the same class filter as the callable ({@link AgentJvm}), so a type the filter refuses fails
 * the call as it would on a real channel. A call on the agent waits interruptibly: an interrupt of the calling thread
 * there ends the wait with an {@link InterruptedException} (as remoting's {@code Request.call}); the method must
 * declare it, else the proxy throws an {@link UndeclaredThrowableException}, as a Java proxy does.
 */
public final class HarnessChannel implements VirtualChannel {
    public static final HarnessChannel INSTANCE = new HarnessChannel();

    private static final AtomicLong IDS = new AtomicLong();
    /** Exported instances by id (the controller side). Released when the act that carried them ends, as remoting unexports. */
    static final Map<Long, Object> EXPORTED = new ConcurrentHashMap<>();

    /** The agent side: the controller's callback port (set in the agent JVM by {@link AgentJvm#main}). */
    static volatile int callbackPort = -1;

    private HarnessChannel() {}

    @Override
    public <T> T export(Class<T> type, T instance) {
        if (instance == null) return null;
        if (!type.isInterface()) throw new IllegalArgumentException(type + " is not an interface (remoting exports interfaces only)");
        long id = IDS.incrementAndGet();
        EXPORTED.put(id, instance);
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, new Exported(id, instance)));
    }

    /** Stops serving {@code proxy}'s instance (what remoting does when the exporting side drops its reference). */
    public static void unexport(Object proxy) {
        if (proxy != null && Proxy.isProxyClass(proxy.getClass()) && Proxy.getInvocationHandler(proxy) instanceof Exported e) {
            EXPORTED.remove(e.id);
        }
    }

    /** One call from the agent. */
    record Call(long id, String method, String[] parameterTypes, Object[] arguments) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** Its outcome. */
    record Answer(Object value, Throwable error) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** The proxy's handler: local calls go straight to the instance; on the agent, over the callback socket. */
    static final class Exported implements InvocationHandler, Serializable {
        private static final long serialVersionUID = 1L;
        final long id;
        private final transient Object local;

        Exported(long id, Object local) {
            this.id = id;
            this.local = local;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "hashCode" -> Long.hashCode(id);
                    case "equals" -> args[0] == proxy;
                    default -> "Exported#" + id;
                };
            }
            if (local != null) {
                try {
                    return method.invoke(local, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            }
            Class<?>[] types = method.getParameterTypes();
            String[] names = new String[types.length];
            for (int i = 0; i < types.length; i++) names[i] = types[i].getName();
            Call call = new Call(id, method.getName(), names, args == null ? new Object[0] : args);
            FutureTask<Answer> exchange = new FutureTask<>(() -> exchange(call));
            Thread io = new Thread(exchange, "harness-callback-" + id);
            io.setDaemon(true);
            io.start();
            Answer answer;
            try {
                answer = exchange.get();
            } catch (InterruptedException e) {
                io.interrupt();
                throw e;
            } catch (ExecutionException e) {
                // The channel's own failure (as remoting's RequestAbortedException or ChannelClosedException, IOExceptions).
                Throwable cause = e.getCause();
                throw cause instanceof IOException || cause instanceof RuntimeException || cause instanceof Error ? cause
                        : new IOException("the call back to the controller failed: " + cause, cause);
            }
            if (answer.error() != null) throw answer.error();
            return answer.value();
        }

        private static Answer exchange(Call call) throws IOException, ClassNotFoundException {
            if (callbackPort < 0) throw new IOException("no channel back to the controller (not in an agent JVM)");
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), callbackPort)) {
                java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                    out.writeObject(call);
                }
                frame(s, bytes.toByteArray());
                AgentJvm.Filter filter = AgentJvm.agentFilter();
                try (ObjectInputStream in = new ObjectInputStream(new java.io.ByteArrayInputStream(unframe(s)))) {
                    in.setObjectInputFilter(filter);
                    return (Answer) in.readObject();
                } catch (java.io.InvalidClassException e) {
                    throw filter.refused(e);
                }
            }
        }
    }

    /** One message on a callback socket: its length, then its bytes (so a refused message is still read whole). */
    static void frame(Socket s, byte[] message) throws IOException {
        java.io.DataOutputStream out = new java.io.DataOutputStream(s.getOutputStream());
        out.writeInt(message.length);
        out.write(message);
        out.flush();
    }

    static byte[] unframe(Socket s) throws IOException {
        java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
        byte[] message = new byte[in.readInt()];
        in.readFully(message);
        return message;
    }

    /** The controller side of one call: find the exported instance and the interface method, invoke, answer. */
    static Answer serve(Call call) {
        Object instance = EXPORTED.get(call.id());
        if (instance == null) return new Answer(null, new IOException("the exported object #" + call.id() + " is gone (unexported)"));
        try {
            for (Class<?> i : instance.getClass().getInterfaces()) {
                for (Method m : i.getMethods()) {
                    if (!m.getName().equals(call.method()) || m.getParameterCount() != call.parameterTypes().length) continue;
                    boolean same = true;
                    for (int k = 0; k < m.getParameterCount(); k++) same &= m.getParameterTypes()[k].getName().equals(call.parameterTypes()[k]);
                    if (same) {
                        m.setAccessible(true); // as RemoteInvocationHandler.RPCRequest: in case the class is not public
                        return new Answer(m.invoke(instance, call.arguments()), null);
                    }
                }
            }
            return new Answer(null, new IOException("no method " + call.method() + " on the exported object"));
        } catch (InvocationTargetException e) {
            return new Answer(null, e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            return new Answer(null, e);
        }
    }
}
