package org.imagetree.template;

import com.hubspot.jinjava.objects.serialization.PyishSerializable;
import com.hubspot.jinjava.util.HasObjectTruthValue;

import java.io.IOException;

/**
 * Python's {@code None} for a config key whose value is null ({@code http_proxy: null}): in Jinja2 such
 * a key is defined and false, and prints as {@code None}. Jinjava would treat a null as undefined.
 */
enum JinjaNone implements HasObjectTruthValue, PyishSerializable {
    NONE;

    @Override
    public boolean getObjectTruthValue() { return false; }

    @Override
    public <T extends Appendable & CharSequence> T appendPyishString(T appendable) throws IOException {
        appendable.append("None");
        return appendable;
    }

    @Override
    public String toString() { return "None"; }
}
