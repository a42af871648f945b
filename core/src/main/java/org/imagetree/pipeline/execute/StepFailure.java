package org.imagetree.pipeline.execute;

/** A step's failure, told as the stage's reason. */
final class StepFailure extends Exception {
    private static final long serialVersionUID = 1L;

    StepFailure(String message) { super(message); }
}
