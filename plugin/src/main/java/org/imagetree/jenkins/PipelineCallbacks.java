package org.imagetree.jenkins;

import hudson.util.Secret;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;

/**
 * What a {@code servicePipeline} run on the agent asks of the controller while it runs: the steps only Jenkins can
 * take. The step exports an implementation ({@link ControllerCallbacks}) over the workspace's channel
 * ({@code VirtualChannel.export}, as remoting exports a listener), so the agent's calls run on the controller. Every
 * argument and result is a JDK or plugin type that crosses the channel's class filter; every method declares
 * {@link InterruptedException} so an aborted step's wait ends.
 */
interface PipelineCallbacks {
    /** Schedules a downstream job; with {@code wait}, waits for it and (with {@code propagate}) fails when it did not succeed. */
    String trigger(String job, HashMap<String, String> parameters, boolean propagate, boolean wait) throws IOException, InterruptedException;

    /** Sends mail, or says why it was not sent. */
    String mail(ArrayList<String> to, String subject, String body) throws IOException, InterruptedException;

    /** Archives {@code path} (relative to the workspace); the artifact's URL. */
    String archive(String path) throws IOException, InterruptedException;

    /** Why credential {@code id} cannot be given to a container (null when it can). */
    String credentialProblem(String id) throws IOException, InterruptedException;

    /** The variables credential {@code id} gives a container. */
    HashMap<String, Secret> credential(String id, String name) throws IOException, InterruptedException;
}
