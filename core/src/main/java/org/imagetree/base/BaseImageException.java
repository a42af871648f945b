package org.imagetree.base;

/** A base image step failed (a debuerreotype command, the registry, the engine); the message says which and why. */
public final class BaseImageException extends RuntimeException {
    public BaseImageException(String message) { super(message); }

    public BaseImageException(String message, Throwable cause) { super(message, cause); }
}
