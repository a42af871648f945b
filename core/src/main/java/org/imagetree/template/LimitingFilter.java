package org.imagetree.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;

import java.util.Map;

/** A built-in Jinjava filter with {@link TemplateLimits}: checked before it runs and on what it returns. */
record LimitingFilter(Filter builtin) implements Filter {
    @Override
    public String getName() { return builtin.getName(); }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
        TemplateLimits.beforeFilter(getName(), var, args);
        return TemplateLimits.after("filter '" + getName() + "'", builtin.filter(var, interpreter, args, kwargs));
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
        TemplateLimits.beforeFilter(getName(), var, args);
        return TemplateLimits.after("filter '" + getName() + "'", builtin.filter(var, interpreter, args));
    }
}
