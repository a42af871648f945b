package org.imagetree.execute;

/** A failure of the container engine (daemon unreachable, build step failed, push refused). */
public class EngineException extends Exception {
    private static final long serialVersionUID = 1L;

    public EngineException(String message) { super(message); }

    public EngineException(String message, Throwable cause) { super(message, cause); }
}
