package org.imagetree.policy.admission;

/** The request is not a well-formed AdmissionReview v1; answered with HTTP 400. */
public class BadAdmissionRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadAdmissionRequest(String message) {
        super(message);
    }
}
