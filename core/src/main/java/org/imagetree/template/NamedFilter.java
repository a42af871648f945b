package org.imagetree.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;

import java.util.function.Function;

/**
 * A docker-pkg filter as a Jinjava filter, bound to one render: its failures are recorded in the
 * {@link RenderSession} (with the line) so that the render fails as it does in Jinja2.
 */
final class NamedFilter implements Filter {
    private final String name;
    private final RenderSession session;
    private final Function<String, Object> body;

    NamedFilter(String name, RenderSession session, Function<String, Object> body) {
        this.name = name;
        this.session = session;
        this.body = body;
    }

    @Override
    public String getName() { return name; }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
        try {
            if (var instanceof StrictUndefined undefined) throw undefined.used();
            if (!(var instanceof CharSequence)) {
                throw new FilterFailure("filter " + name + " expects a string, got " + describe(var));
            }
            return body.apply(var.toString());
        } catch (RuntimeException e) {
            throw session.fail(e, interpreter.getLineNumber());
        }
    }

    private static String describe(Object var) {
        if (var == null) return "an undefined value";
        if (var == JinjaNone.NONE) return "None";
        return var.getClass().getSimpleName();
    }
}
