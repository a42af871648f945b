package org.imagetree.jenkins.harness;

import net.sf.json.JSONObject;
import org.kohsuke.stapler.CancelRequestHandlingException;
import org.kohsuke.stapler.Function;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;
import org.kohsuke.stapler.interceptor.Interceptor;
import org.kohsuke.stapler.interceptor.InterceptorAnnotation;
import org.kohsuke.stapler.interceptor.Stage;

import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The offline harness's web dispatch (not a Jenkins class): a request for {@code .../NAME} on an object reaches its
 * public {@code doNAME} web method the way Stapler routes it (jenkinsci/stapler tag 2076.v1b_a_c12445eb_e:
 * {@code MetaClass} registers every public {@code do*} method under its name with a lower-case first letter;
 * {@code Function.bindAndInvokeAndServeResponse} treats a {@link CancelRequestHandlingException} as "try the next
 * route"; no route left is 404). The interceptor annotations on the method ({@link InterceptorAnnotation}) run as
 * Stapler runs them: those of {@link Stage#SELECTION} before the parameters are injected, the others right before the
 * call. So {@code @POST} ({@code HttpVerbInterceptor}) makes a GET end in <b>404</b>, as in Jenkins, not 405.
 * {@link QueryParameter}s are injected from the request's parameters ({@code fixEmpty}, {@code required}: 400);
 * the harness refuses other injected parameters rather than guess.
 */
public final class OfflineStapler {
    private OfflineStapler() {}

    /** What came back: the HTTP status and the web method's return value (or the exception it threw, for 500). */
    public record Response(int status, Object body, Throwable error) {}

    /** A request for {@code name} on {@code node} with the HTTP method {@code verb} and these query parameters. */
    public static Response request(String verb, Object node, String name, Map<String, String> parameters) {
        StaplerRequest2 req = request(verb, parameters);
        for (Method m : webMethods(node.getClass(), name)) {
            try {
                Object r = dispatch(m, req, node, true);
                return new Response(200, r, null);
            } catch (CancelRequestHandlingException e) {
                // Stapler goes on with the next route
            } catch (BadRequest e) {
                return new Response(400, e.getMessage(), null);
            } catch (InvocationTargetException e) {
                if (e.getTargetException() instanceof CancelRequestHandlingException) continue;
                return new Response(500, null, e.getTargetException());
            } catch (Exception e) {
                return new Response(500, null, e);
            }
        }
        return new Response(404, null, null);
    }

    /**
     * The web method a request would be routed to, deciding only what Stapler decides while it selects the route
     * (the {@link Stage#SELECTION} interceptors, such as the verb check), without an instance and without invoking it;
     * null when none is (404). For objects the offline harness cannot make, such as a {@code GlobalConfiguration}.
     */
    public static Method route(String verb, Class<?> type, String name) {
        StaplerRequest2 req = request(verb, Map.of());
        for (Method m : webMethods(type, name)) {
            try {
                dispatch(m, req, null, false);
                return m;
            } catch (CancelRequestHandlingException e) {
                // next route
            } catch (InvocationTargetException e) {
                if (!(e.getTargetException() instanceof CancelRequestHandlingException)) return m;
            } catch (Exception e) {
                return m;
            }
        }
        return null;
    }

    private static List<Method> webMethods(Class<?> type, String name) {
        String wanted = "do" + Character.toUpperCase(name.charAt(0)) + name.substring(1);
        List<Method> out = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (m.getName().equals(wanted) && !Modifier.isStatic(m.getModifiers())) out.add(m);
        }
        out.sort(Comparator.comparing(Method::toGenericString));
        return out;
    }

    /** Runs the method's interceptors around it: SELECTION ones first, then (when {@code invoke}) the PREINVOKE ones and the call. */
    private static Object dispatch(Method m, StaplerRequest2 req, Object node, boolean invoke) throws Exception {
        List<Annotation> selection = new ArrayList<>();
        List<Annotation> preinvoke = new ArrayList<>();
        for (Annotation a : m.getAnnotations()) {
            InterceptorAnnotation ia = a.annotationType().getAnnotation(InterceptorAnnotation.class);
            if (ia != null) (ia.stage() == Stage.SELECTION ? selection : preinvoke).add(a);
        }
        Function call = new WebMethod(m, (r, rsp, o, args) -> {
            if (!invoke) return null;
            Function method = new WebMethod(m, (r2, rsp2, o2, args2) -> m.invoke(o2, args2));
            return chain(m, preinvoke, method).invoke(r, rsp, o, bind(m, r));
        });
        return chain(m, selection, call).invoke(req, null, node, new Object[0]);
    }

    /** {@code target} wrapped in the interceptors of {@code annotations}, the first one outermost. */
    private static Function chain(Method m, List<Annotation> annotations, Function target) throws ReflectiveOperationException {
        Function f = target;
        for (int i = annotations.size() - 1; i >= 0; i--) {
            InterceptorAnnotation ia = annotations.get(i).annotationType().getAnnotation(InterceptorAnnotation.class);
            Interceptor interceptor = ia.value().getDeclaredConstructor().newInstance();
            interceptor.setTarget(f);
            f = new WebMethod(m, interceptor::invoke);
        }
        return f;
    }

    private static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) { super(message); }
    }

    private static Object[] bind(Method m, StaplerRequest2 req) {
        Parameter[] ps = m.getParameters();
        Object[] args = new Object[ps.length];
        for (int i = 0; i < ps.length; i++) {
            QueryParameter q = ps[i].getAnnotation(QueryParameter.class);
            if (q == null) {
                throw new IllegalArgumentException(m + ": the offline harness injects @QueryParameter only, not " + ps[i]);
            }
            String name = q.value().isEmpty() ? ps[i].getName() : q.value();
            String value = req.getParameter(name);
            if (q.fixEmpty() && value != null && value.isEmpty()) value = null;
            if (q.required() && value == null) throw new BadRequest("Required Query parameter " + name + " is missing");
            args[i] = value == null ? DataBinding.convert(ps[i].getType(), ps[i].getType(), null) : DataBinding.scalar(ps[i].getType(), value);
        }
        return args;
    }

    interface Body {
        Object call(StaplerRequest2 req, StaplerResponse2 rsp, Object node, Object[] args) throws Exception;
    }

    /** A web method as the interceptors see it: its annotations, and what calling it does at this point of the chain. */
    private static final class WebMethod extends Function {
        final Method method;
        private final Body body;

        WebMethod(Method method, Body body) {
            this.method = method;
            this.body = body;
        }

        @Override
        public String getName() { return method.getName(); }

        @Override
        public <A extends Annotation> A getAnnotation(Class<A> annotation) { return method.getAnnotation(annotation); }

        @Override
        public Annotation[] getAnnotations() { return method.getAnnotations(); }

        @Override
        public Object invoke(StaplerRequest2 req, StaplerResponse2 rsp, Object o, Object... args)
                throws IllegalAccessException, InvocationTargetException, jakarta.servlet.ServletException {
            try {
                return body.call(req, rsp, o, args);
            } catch (IllegalAccessException | InvocationTargetException | jakarta.servlet.ServletException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new InvocationTargetException(e);
            }
        }
    }

    /**
     * A request as the harness needs it: its HTTP method, query parameters and data binding ({@link DataBinding});
     * every other request method throws, so code that relies on more fails a test instead of passing by accident.
     */
    public static StaplerRequest2 request(String verb, Map<String, String> parameters) {
        return (StaplerRequest2) Proxy.newProxyInstance(OfflineStapler.class.getClassLoader(), new Class<?>[] {StaplerRequest2.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getMethod" -> verb;
                    case "getParameter" -> parameters.get((String) args[0]);
                    case "bindJSON" -> {
                        if (args.length == 2 && args[0] instanceof Class<?> c && args[1] instanceof JSONObject j) yield DataBinding.bind(c, j);
                        throw new UnsupportedOperationException("bindJSON" + java.util.Arrays.toString(method.getParameterTypes()));
                    }
                    case "toString" -> verb + " request " + parameters;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException("the offline harness's request has no " + method.getName());
                });
    }
}
