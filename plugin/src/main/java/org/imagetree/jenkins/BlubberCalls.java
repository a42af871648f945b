package org.imagetree.jenkins;

import hudson.AbortException;
import hudson.model.TaskListener;
import org.imagetree.blubber.ServicePipeline;
import org.imagetree.blubber.VariantBuild;
import org.imagetree.blubber.VariantEngine;
import org.imagetree.blubber.compile.CompileOptions;
import org.imagetree.config.EngineConfig;
import org.imagetree.execute.ContainerEngine;
import org.imagetree.execute.DockerCli;
import org.imagetree.execute.DockerJavaEngine;
import org.imagetree.execute.EngineException;

import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Blubber engine call of {@code blubberBuild}, run on the agent like
 * {@link AgentCalls}: classic builds through docker-java, BuildKit ones through the agent's docker CLI, pushes with
 * the step's registry credentials, the registry policy checked before anything is built. Engine failures and a
 * failing test variant become {@link AbortException}s with secrets masked.
 */
final class BlubberCalls {
    private BlubberCalls() {}

    /** What the Blubber steps share: the config file, context, build arguments, policy and Dockerfile flavour. */
    record Inputs(String file, String context, ArrayList<String> buildArgs, String policy, String flavour) implements Serializable {
        private static final long serialVersionUID = 1L;

        Path file(File workspace) throws AbortException {
            Path p = workspace.toPath().resolve(file).normalize();
            if (!Files.isRegularFile(p)) throw new AbortException(file + ": no such Blubber config file in the workspace");
            return p;
        }

        Path context(File workspace, Path file) {
            return context == null ? org.imagetree.blubber.Blubber.defaultContext(file) : workspace.toPath().resolve(context).normalize();
        }

        Path policy(File workspace) {
            return policy == null ? null : workspace.toPath().resolve(policy).normalize();
        }

        Map<String, String> buildArgMap() throws AbortException {
            Map<String, String> out = new LinkedHashMap<>();
            for (String kv : buildArgs) {
                int eq = kv.indexOf('=');
                if (eq <= 0) throw new AbortException("buildArgs: expected NAME=VALUE entries");
                out.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            return out;
        }

        CompileOptions compileOptions() throws AbortException {
            if (flavour == null) return CompileOptions.defaults();
            try {
                return CompileOptions.defaults().withFlavour(CompileOptions.Flavour.valueOf(flavour.toUpperCase(java.util.Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new AbortException("flavour: expected auto, classic or buildkit, got '" + flavour + "'");
            }
        }
    }

    /** The shared shape of both calls: the variant engine on the agent, failures as masked aborts. */
    abstract static class BlubberCall extends AgentCalls.EngineCall<HashMap<String, Object>> {
        private static final long serialVersionUID = 1L;
        final Inputs inputs;

        BlubberCall(EngineSettings settings, Inputs inputs, TaskListener listener) {
            super(settings, listener);
            this.inputs = inputs;
        }

        @Override
        final HashMap<String, Object> call(File workspace, EngineConfig config, ConsoleBuildListener console) throws IOException {
            DockerCli cli;
            try {
                cli = DockerCli.locateWithBuildKit(settings.env());
            } catch (IllegalStateException e) {
                throw new AbortException(e.getMessage());
            }
            try (ContainerEngine engine = DockerJavaEngine.fromEnvironment(settings.env())) {
                VariantEngine variants = VariantEngine.forConfig(Optional.of(config), cli, engine);
                return run(workspace, config, variants, console);
            } catch (EngineException | DockerCli.DockerException | ServicePipeline.TestFailure e) {
                throw new AbortException(console.mask(e.getMessage()));
            }
        }

        abstract HashMap<String, Object> run(File workspace, EngineConfig config, VariantEngine variants, ConsoleBuildListener console)
                throws IOException, EngineException;
    }

    /** {@code blubberBuild}: one variant, built, tagged and optionally pushed. */
    static final class Build extends BlubberCall {
        private static final long serialVersionUID = 1L;
        private final String variant;
        private final ArrayList<String> tags;
        private final boolean publish;

        Build(EngineSettings settings, Inputs inputs, String variant, List<String> tags, boolean publish, TaskListener listener) {
            super(settings, inputs, listener);
            this.variant = variant;
            this.tags = new ArrayList<>(tags);
            this.publish = publish;
        }

        @Override
        HashMap<String, Object> run(File workspace, EngineConfig config, VariantEngine variants, ConsoleBuildListener console)
                throws IOException, EngineException {
            if (publish && tags.isEmpty()) throw new AbortException("blubberBuild: publish needs at least one tag");
            Path file = inputs.file(workspace);
            VariantBuild.Result r = new VariantBuild(variants, line -> console.println("[blubber] " + line)).run(new VariantBuild.Request(
                    file, variant, inputs.context(workspace, file), tags, inputs.buildArgMap(), inputs.policy(workspace), publish,
                    inputs.compileOptions()));
            HashMap<String, Object> out = new HashMap<>();
            out.put("variant", variant);
            out.put("imageId", r.imageId());
            out.put("buildKit", r.buildKit());
            out.put("references", references(r.references()));
            return out;
        }
    }

    static ArrayList<HashMap<String, Object>> references(List<ServicePipeline.Published> published) {
        ArrayList<HashMap<String, Object>> out = new ArrayList<>();
        for (ServicePipeline.Published p : published) {
            HashMap<String, Object> m = new HashMap<>();
            m.put("reference", p.reference());
            m.put("digest", p.digest());
            out.add(m);
        }
        return out;
    }
}
