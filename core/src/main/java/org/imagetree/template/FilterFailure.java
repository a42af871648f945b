package org.imagetree.template;

/** A docker-pkg filter refused its input (docker-pkg raises ValueError); becomes an InputError. */
final class FilterFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FilterFailure(String message) {
        super(message, null, false, false);
    }
}
