package org.imagetree.jenkins;

import hudson.model.Run;

import java.io.IOException;

/**
 * What a step asks of the controller before it hands work to the agent: the administrator's defaults and registry
 * logins. {@link JenkinsControllerSide} is the real one; a step finds another only when an enclosing block put one
 * in its context (the offline harness does, since it has no Jenkins, credentials store or global configuration).
 */
interface ControllerSide {
    /** The global configuration's defaults. */
    StepDefaults defaults();

    /**
     * Resolves a credential for a registry, the docker-commons way, and records its use by the run.
     *
     * @param registryUrl the registry's URL or host[:port] (its host is the credential's domain requirement)
     * @throws IOException (an {@code AbortException}) when there is no such credential for that host, or it is no
     *                     Docker registry login
     */
    RegistryLogin login(Run<?, ?> run, String registryUrl, String credentialsId) throws IOException;

    // What servicePipeline's Jenkins-only steps ask of the controller (trigger, notify, copy.archive, run.credentials).

    /** A downstream build a {@code trigger} scheduled. */
    interface Downstream {
        /** How the log names it, e.g. {@code deploy-service #12} (the job's full name before it starts). */
        String displayName();

        /** Waits until the build has finished; its result. */
        hudson.model.Result await() throws InterruptedException, IOException;
    }

    /**
     * Schedules {@code job} (a name relative to the upstream run's job, as the {@code build} step resolves it) with
     * string parameters, as the upstream run's cause, after checking that {@code authentication} (the build's, captured
     * on the step's thread by {@link #authentication()}) may build it.
     *
     * @throws IOException (an {@code AbortException}) when there is no such job or it cannot be scheduled
     */
    Downstream schedule(Run<?, ?> upstream, Object authentication, String job, java.util.Map<String, String> parameters) throws IOException;

    /** The authentication the calling thread runs as (a step's thread: the build's); passed back to {@link #schedule}. */
    Object authentication();

    /** Why mail cannot be sent here (the Mailer plugin is not installed); empty when it can. */
    java.util.Optional<String> mailProblem();

    /** Sends a plain text mail with the Mailer plugin's settings. */
    void mail(java.util.List<String> to, String subject, String body) throws IOException;

    /**
     * Archives {@code path} (relative to {@code workspace}) as an artifact of {@code run}, as {@code archiveArtifacts}
     * does (the run's artifact manager).
     */
    void archive(Run<?, ?> run, hudson.FilePath workspace, String path, hudson.model.TaskListener listener) throws IOException, InterruptedException;

    /**
     * The environment variables credential {@code id} gives a container, named after {@code name}: a secret text is
     * {@code name}; a username and password {@code name_USERNAME} and {@code name_PASSWORD}. Tracked as used by the run.
     *
     * @throws IOException (an {@code AbortException}) when the run cannot use such a credential, or its type cannot be
     *                     given to a container; the message names the id, never a secret
     */
    java.util.Map<String, hudson.util.Secret> credential(Run<?, ?> run, String id, String name) throws IOException;

    /** The build's parameters (PipelineLib binds them as {@code ${setup.params.NAME}}), as strings. */
    java.util.Map<String, String> parameters(Run<?, ?> run);
}
