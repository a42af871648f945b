package org.imagetree.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.objects.serialization.PyishSerializable;
import com.hubspot.jinjava.util.HasObjectTruthValue;

import java.util.Iterator;

/**
 * Jinja2's {@code StrictUndefined}: the value of a name that is not defined. Assigning or testing it
 * ({@code is defined}, {@code default}) is fine; printing it, testing its truth, iterating over it or
 * giving it to a docker-pkg filter fails the render with {@code 'name' is undefined}.
 */
final class StrictUndefined implements HasObjectTruthValue, PyishSerializable, Iterable<Object> {
    private final String name;
    private final RenderSession session;

    StrictUndefined(String name, RenderSession session) {
        this.name = name;
        this.session = session;
    }

    /** Records and returns the failure of using this value, at the current template line. */
    RuntimeException used() {
        int line = JinjavaInterpreter.getCurrentMaybe().map(JinjavaInterpreter::getLineNumber).orElse(0);
        return session.fail(new UndefinedVariable(name), line);
    }

    @Override
    public boolean getObjectTruthValue() { throw used(); }

    @Override
    public <T extends Appendable & CharSequence> T appendPyishString(T appendable) { throw used(); }

    @Override
    public Iterator<Object> iterator() { throw used(); }

    @Override
    public String toString() { throw used(); }
}
