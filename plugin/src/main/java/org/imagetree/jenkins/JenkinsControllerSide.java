package org.imagetree.jenkins;

import com.cloudbees.plugins.credentials.CredentialsMatcher;
import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.common.IdCredentials;
import com.cloudbees.plugins.credentials.domains.DomainRequirement;
import com.cloudbees.plugins.credentials.domains.HostnameRequirement;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.AbortException;
import hudson.FilePath;
import hudson.model.Cause;
import hudson.model.CauseAction;
import hudson.model.Item;
import hudson.model.Job;
import hudson.model.ParameterDefinition;
import hudson.model.ParameterValue;
import hudson.model.ParametersDefinitionProperty;
import hudson.model.ParametersAction;
import hudson.model.Queue;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.StringParameterValue;
import hudson.model.TaskListener;
import hudson.security.ACL;
import hudson.security.ACLContext;
import hudson.util.Secret;
import jenkins.authentication.tokens.api.AuthenticationTokens;
import jenkins.model.Jenkins;
import jenkins.model.ParameterizedJobMixIn;
import jenkins.util.BuildListenerAdapter;
import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryToken;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.springframework.security.core.Authentication;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The controller side inside Jenkins: defaults from {@link ImageTreeGlobalConfiguration}; logins as docker-commons'
 * {@code DockerRegistryEndpoint.getToken(Run)} makes them (that method is package-private there): the credential
 * found by id among those the run may use whose domain admits the registry's host, converted to a
 * {@link DockerRegistryToken} by whichever {@code AuthenticationTokenSource} handles its type, and tracked as used
 * by the run ({@link CredentialsProvider#track}).
 */
final class JenkinsControllerSide implements ControllerSide {
    static final JenkinsControllerSide INSTANCE = new JenkinsControllerSide();

    private JenkinsControllerSide() {}

    @Override
    public StepDefaults defaults() {
        return ImageTreeGlobalConfiguration.get().defaults();
    }

    /**
     * What a run's lookup leaves out on its own (credentials-plugin's SystemCredentialsProvider finds nothing of
     * {@link CredentialsScope#SYSTEM} scope for an item), for lists that must offer only what the steps can use.
     */
    static final CredentialsMatcher USABLE_BY_JOBS = CredentialsMatchers.not(CredentialsMatchers.withScope(CredentialsScope.SYSTEM));

    /** The domain requirement a step's lookup has for a registry: its host name (Docker Hub's for none). */
    static List<DomainRequirement> requirements(String registryUrl) {
        return List.of(new HostnameRequirement(hostname(registryUrl)));
    }

    @Override
    public RegistryLogin login(Run<?, ?> run, String registryUrl, String credentialsId) throws IOException {
        String host = hostname(registryUrl);
        List<DomainRequirement> requirements = requirements(registryUrl);
        IdCredentials credentials = CredentialsProvider.findCredentialById(credentialsId, IdCredentials.class, run, requirements);
        if (credentials == null) {
            throw new AbortException("Could not find credentials matching '" + credentialsId + "' for registry host " + host);
        }
        DockerRegistryToken token = AuthenticationTokens.convert(DockerRegistryToken.class, credentials);
        if (token == null) {
            throw new AbortException("Credentials '" + credentialsId + "' cannot log in to a Docker registry (no docker-commons token for their type)");
        }
        CredentialsProvider.track(run, credentials);
        return RegistryLogin.fromToken(credentialsId, token);
    }

    @Override
    public Object authentication() {
        return Jenkins.getAuthentication2();
    }

    /**
     * As the {@code build} step schedules (jenkinsci/pipeline-build-step-plugin tag 599.v4b_67ea_11b_152,
     * BuildTriggerStepExecution.start): the item named relative to the upstream job, {@code Item.BUILD} checked as the
     * build's authentication, an upstream cause, the parameters as string values completed with the job's defaults, the
     * job's quiet period.
     */
    @Override
    public Downstream schedule(Run<?, ?> upstream, Object authentication, String job, Map<String, String> parameters) throws IOException {
        try (ACLContext ignored = ACL.as2((Authentication) authentication)) {
            Item item = Jenkins.get().getItem(job, upstream.getParent(), Item.class);
            if (item == null) throw new AbortException("No item named " + job + " found");
            item.checkPermission(Item.BUILD);
            if (!(item instanceof Job<?, ?> target)) throw new AbortException(job + " is not a job that can be built with parameters");
            // BuildTriggerStepExecution.completeDefaultParameters: the job's defaults for the parameters not given.
            Map<String, ParameterValue> values = new LinkedHashMap<>();
            parameters.forEach((k, v) -> values.put(k, new StringParameterValue(k, v)));
            ParametersDefinitionProperty definitions = target.getProperty(ParametersDefinitionProperty.class);
            if (definitions != null) {
                for (ParameterDefinition d : definitions.getParameterDefinitions()) {
                    ParameterValue v = values.containsKey(d.getName()) ? null : d.getDefaultParameterValue();
                    if (v != null) values.put(v.getName(), v);
                }
            }
            Queue.Item queued = ParameterizedJobMixIn.scheduleBuild2(target, -1, new CauseAction(new Cause.UpstreamCause(upstream)),
                    new ParametersAction(new ArrayList<>(values.values())));
            if (queued == null || queued.getFuture() == null) throw new AbortException("Failed to trigger build of " + item.getFullName());
            java.util.concurrent.Future<Queue.Executable> future = queued.getFuture();
            String name = item.getFullDisplayName();
            return new Downstream() {
                @Override public String displayName() { return name; }

                @Override public Result await() throws InterruptedException, IOException {
                    try {
                        Queue.Executable e = future.get();
                        Result r = e instanceof Run<?, ?> run ? run.getResult() : null;
                        return r == null ? Result.FAILURE : r;
                    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException x) {
                        throw new AbortException(name + " did not run: " + x);
                    }
                }
            };
        }
    }

    @Override
    public Optional<String> mailProblem() {
        return Jenkins.get().getPlugin("mailer") == null ? Optional.of("notify needs the Mailer plugin, which is not installed") : Optional.empty();
    }

    @Override
    public void mail(List<String> to, String subject, String body) throws IOException {
        MailerMail.send(to, subject, body);
    }

    /** As {@code archiveArtifacts} (ArtifactArchiver): the run's artifact manager, the file under its workspace path. */
    @Override
    public void archive(Run<?, ?> run, FilePath workspace, String path, TaskListener listener) throws IOException, InterruptedException {
        run.pickArtifactManager().archive(workspace, workspace.createLauncher(listener), BuildListenerAdapter.wrap(listener), Map.of(path, path));
    }

    /**
     * PipelineLib's bindings (PipelineCredentialManager: StringBinding, UsernamePasswordMultiBinding), chosen by the
     * credential's type: a secret text gives {@code name}; a username and password {@code name_USERNAME} and
     * {@code name_PASSWORD}. Looked up among the credentials the run may use, and tracked.
     */
    @Override
    public Map<String, Secret> credential(Run<?, ?> run, String id, String name) throws IOException {
        StandardCredentials c = CredentialsProvider.findCredentialById(id, StandardCredentials.class, run);
        if (c == null) throw new AbortException("Could not find credentials '" + id + "' for this build");
        Map<String, Secret> out = new LinkedHashMap<>();
        if (c instanceof StringCredentials s) {
            out.put(name, s.getSecret());
        } else if (c instanceof StandardUsernamePasswordCredentials u) {
            out.put(name + "_USERNAME", Secret.fromString(u.getUsername()));
            out.put(name + "_PASSWORD", u.getPassword());
        } else {
            throw new AbortException("Credentials '" + id + "' are neither a secret text nor a username and password: they cannot be given to a container");
        }
        CredentialsProvider.track(run, c);
        return out;
    }

    @Override
    public Map<String, String> parameters(Run<?, ?> run) {
        Map<String, String> out = new LinkedHashMap<>();
        ParametersAction a = run.getAction(ParametersAction.class);
        if (a != null) {
            for (ParameterValue v : a.getParameters()) {
                if (v.getValue() instanceof String || v.getValue() instanceof Boolean || v.getValue() instanceof Number) out.put(v.getName(), String.valueOf(v.getValue()));
            }
        }
        return out;
    }

    /** The host name (no port) of a registry URL or host[:port]; Docker Hub when there is none, as docker-commons. */
    static String hostname(String registryUrl) {
        String hostPort = EngineSettings.registryHost(registryUrl);
        if (hostPort == null) return "index.docker.io";
        if (hostPort.startsWith("[")) {
            int end = hostPort.indexOf(']');
            return end > 0 ? hostPort.substring(1, end) : hostPort;
        }
        int colon = hostPort.lastIndexOf(':');
        return colon > 0 ? hostPort.substring(0, colon) : hostPort;
    }
}
