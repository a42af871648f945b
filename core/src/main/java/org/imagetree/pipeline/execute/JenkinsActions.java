package org.imagetree.pipeline.execute;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The steps only Jenkins can take, which the plugin's step implements: {@code trigger} (schedule a downstream job),
 * {@code notify} (send mail when a stage fails) and {@code copy}'s {@code archive} (keep a file as a build artifact).
 * The command line's implementation ({@link #COMMAND_LINE}) says they need Jenkins.
 */
public interface JenkinsActions {
    /** A downstream job to schedule, with string parameters; {@code waitForCompletion} and {@code propagate} as the {@code build} step's. */
    record Trigger(String job, Map<String, String> parameters, boolean propagate, boolean waitForCompletion) {
        public Trigger {
            parameters = Map.copyOf(parameters);
        }
    }

    /** An email to send. */
    record Email(List<String> to, String subject, String body) {
        public Email {
            to = List.copyOf(to);
        }
    }

    /** Why {@code trigger} cannot be done here, checked before a pipeline starts; empty when it can. */
    Optional<String> triggerProblem(Trigger trigger);

    /**
     * Schedules the job. With {@code waitForCompletion} and {@code propagate}, a downstream build that does not
     * succeed throws.
     *
     * @return a line for the log (the build scheduled, its result)
     */
    String trigger(Trigger trigger) throws Exception;

    /** Sends the mail, or says why it cannot be sent. Never throws: a stage already failed. */
    String notify(Email email);

    /**
     * Keeps {@code file} (relative to {@code workspace}; a directory has already been made a {@code .tar.gz}) as an
     * artifact of the build.
     *
     * @return the artifact's URL, or empty when artifacts cannot be kept here
     */
    Optional<String> archive(Path workspace, String file);

    /** Whether {@link #archive} keeps artifacts (else a directory is not packed for it). */
    boolean archives();

    /** The command line: no downstream jobs, no mail, no artifacts. */
    JenkinsActions COMMAND_LINE = new JenkinsActions() {
        @Override public Optional<String> triggerProblem(Trigger t) {
            return Optional.of("trigger needs Jenkins: the command line cannot schedule job '" + t.job() + "' (run this pipeline with the servicePipeline step)");
        }

        @Override public String trigger(Trigger t) {
            throw new IllegalStateException(triggerProblem(t).orElseThrow());
        }

        @Override public String notify(Email e) {
            return "notify needs Jenkins (its Mailer plugin): no mail sent to " + String.join(", ", e.to()) + " (subject: " + e.subject() + ")";
        }

        @Override public Optional<String> archive(Path workspace, String file) { return Optional.empty(); }

        @Override public boolean archives() { return false; }
    };
}
