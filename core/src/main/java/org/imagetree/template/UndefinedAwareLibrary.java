package org.imagetree.template;

import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;

import java.util.Map;

/**
 * The Jinja2 tests and filters that accept an undefined value: {@code is defined}, {@code is undefined}
 * and the {@code default} filter, which Jinjava would otherwise apply to the {@link StrictUndefined}
 * object as if it were a value.
 */
final class UndefinedAwareLibrary {
    private UndefinedAwareLibrary() {}

    static void register(Context context, Filter builtinDefault) {
        context.registerExpTest(new Test("defined", false));
        context.registerExpTest(new Test("undefined", true));
        context.registerFilter(new DefaultFilter(builtinDefault));
    }

    static boolean isUndefined(Object value) {
        return value == null || value instanceof StrictUndefined;
    }

    private record Test(String getName, boolean negate) implements ExpTest {
        @Override
        public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
            return isUndefined(var) == negate;
        }
    }

    private record DefaultFilter(Filter builtin) implements Filter {
        @Override
        public String getName() { return "default"; }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            if (var instanceof StrictUndefined) return args.length > 0 ? args[0] : "";
            return builtin.filter(var, interpreter, args, kwargs);
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            if (var instanceof StrictUndefined) return args.length > 0 ? args[0] : "";
            return builtin.filter(var, interpreter, args);
        }
    }
}
