package org.imagetree.cli;

import org.imagetree.blubber.BlubberRegistryPolicy;
import org.imagetree.blubber.config.ConfigDecoder;
import org.imagetree.config.EngineConfig;
import org.imagetree.policy.RegistryPolicy;
import org.imagetree.policy.Violation;
import org.imagetree.policy.kubernetes.AdmissionManifests;
import org.imagetree.policy.kubernetes.WebhookTarget;
import org.imagetree.policy.webhook.AdmissionWebhookServer;
import org.imagetree.InputError;
import org.imagetree.read.ContextBoundary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code policy}: the registry restriction, at build time and in Kubernetes. */
@Command(name = "policy", description = "Only images from our registries: check definitions, write Kubernetes manifests, run the admission webhook.",
        subcommands = {PolicyCommand.Check.class, PolicyCommand.Manifests.class, PolicyCommand.Webhook.class})
final class PolicyCommand {
    @ParentCommand ImageTreeCommand root;

    /**
     * Base images are never deployed: the config's {@code base_images}, the distros its base-image builds publish
     * ({@code base_distros}, in the configured registry), and those given on the command line.
     */
    static List<String> baseImages(Optional<EngineConfig> config, List<String> extra) {
        List<String> out = new ArrayList<>(config.map(EngineConfig::baseImages).orElse(List.of()));
        config.map(c -> c.get("base_distros")).filter(List.class::isInstance)
                .ifPresent(l -> ((List<?>) l).forEach(d -> out.add(String.valueOf(d))));
        if (extra != null) out.addAll(extra);
        return out;
    }

    static RegistryPolicy deploymentPolicy(Optional<EngineConfig> config, List<String> allowed, List<String> baseImages) {
        try {
            return RegistryPolicy.forDeployment(allowed(config, allowed), config.map(EngineConfig::registry).orElse(""),
                    baseImages(config, baseImages));
        } catch (IllegalArgumentException e) {
            throw new InputError(e.getMessage());
        }
    }

    static List<String> allowed(Optional<EngineConfig> config, List<String> given) {
        if (given != null && !given.isEmpty()) return given;
        List<String> fromConfig = config.map(EngineConfig::allowedRegistries).orElse(List.of());
        if (fromConfig.isEmpty()) throw new InputError("no allowed registry: give --allowed REGISTRY or set registry/allowed_registries in the config");
        return fromConfig;
    }

    @Command(name = "check", description = "Report every image reference outside the allowed registries and every symlink leaving the build context (exit 1 if any).")
    static final class Check implements Callable<Integer> {
        @ParentCommand PolicyCommand policy;
        @Parameters(paramLabel = "DIR|blubber.yaml", arity = "1..*",
                description = "Image definition directories, or Blubber config files (every variant's base).") List<Path> paths;

        @Override
        public Integer call() {
            ImageTreeCommand root = policy.root;
            EngineConfig config = root.config();
            List<Violation> all = new ArrayList<>();
            List<String> escapes = new ArrayList<>();
            for (Path p : paths) {
                if (Files.isRegularFile(p)) {
                    Path context = p.toAbsolutePath().getParent();
                    ContextBoundary boundary = ContextBoundary.of(context);
                    Optional<InputError> self = boundary.problem(p);
                    if (self.isPresent()) {
                        escapes.add(self.get().getMessage());
                        continue; // not read
                    }
                    boundary.contextProblems(context).forEach(e -> escapes.add(e.getMessage()));
                    RegistryPolicy build;
                    try {
                        build = RegistryPolicy.forBuild(config);
                    } catch (IllegalArgumentException e) {
                        throw new InputError(e.getMessage());
                    }
                    for (Violation v : BlubberRegistryPolicy.checkAll(p, ConfigDecoder.readAndValidate(p), build)) {
                        if (!all.contains(v)) all.add(v);
                    }
                    continue;
                }
                if (!Files.isDirectory(p)) throw new InputError(p, 0, "neither a directory of image definitions nor a Blubber config file");
                // Every violation and every link leaving the tree: a link in one image does not hide the others' violations.
                org.imagetree.lint.TreeLinter.PolicyFindings found = new org.imagetree.lint.TreeLinter(config, root.env()).registryPolicy(p);
                found.escapes().forEach(e -> escapes.add(e.getMessage()));
                for (Violation v : found.violations()) if (!all.contains(v)) all.add(v);
            }
            all.forEach(v -> root.out().println(v));
            escapes.forEach(e -> root.out().println(e));
            int problems = all.size() + escapes.size();
            root.out().println(problems == 0 ? "registry policy holds" : problems + " violation(s)");
            root.out().flush();
            return problems == 0 ? 0 : 1;
        }
    }

    @Command(name = "manifests", description = "Print a ValidatingAdmissionPolicy and its binding, or with --webhook a ValidatingWebhookConfiguration.")
    static final class Manifests implements Callable<Integer> {
        @ParentCommand PolicyCommand policy;
        @Option(names = "--allowed", paramLabel = "REGISTRY", description = "Allowed registry (host[:port][/path]); default: the config's.") List<String> allowed;
        @Option(names = "--base-image", paramLabel = "IMAGE", description = "A base image never to deploy (besides the config's base_images).") List<String> baseImages;
        @Option(names = "--exempt", paramLabel = "NAMESPACE", description = "Namespaces not checked (default: kube-system).") List<String> exempt;
        @Option(names = "--name", paramLabel = "NAME", defaultValue = AdmissionManifests.DEFAULT_NAME, description = "Name of the policy objects (default: ${DEFAULT-VALUE}).") String name;
        @Option(names = "--webhook", paramLabel = "URL", description = "Write the webhook configuration for this https URL instead.") URI webhook;
        @Option(names = "--ca-bundle", paramLabel = "FILE", description = "PEM CA bundle that signed the webhook's certificate.") Path caBundle;

        @Override
        public Integer call() throws IOException {
            ImageTreeCommand root = policy.root;
            Optional<EngineConfig> config = root.configIfPresent();
            RegistryPolicy p = deploymentPolicy(config, allowed, baseImages);
            String yaml;
            try {
                AdmissionManifests m = AdmissionManifests.forPolicy(p).named(name);
                if (exempt != null) m = m.exempting(exempt);
                if (webhook != null) {
                    if (caBundle == null) throw new InputError("--webhook needs --ca-bundle FILE");
                    yaml = m.webhookYaml(webhookTarget());
                } else {
                    yaml = m.toYaml();
                }
            } catch (IllegalArgumentException e) {
                throw new InputError(e.getMessage());
            }
            root.out().print(yaml);
            root.out().flush();
            return 0;
        }

        /** {@code --webhook} and {@code --ca-bundle}; a CA bundle that is not a certificate is bad input, named. */
        private WebhookTarget webhookTarget() {
            String pem = caBundle();
            try {
                return WebhookTarget.of(webhook, pem);
            } catch (IllegalArgumentException e) {
                if (!String.valueOf(e.getMessage()).startsWith("CA bundle")) throw e;
                Throwable cause = e;
                while (cause.getCause() != null && cause.getCause() != cause) cause = cause.getCause();
                throw new InputError(caBundle, 0, "--ca-bundle: not a valid PEM certificate"
                        + (cause != e && cause.getMessage() != null ? " (" + cause.getMessage() + ")" : ""));
            }
        }

        /** The PEM text of {@code --ca-bundle}; a file that cannot be read is bad input, named (exit 2). */
        private String caBundle() {
            try {
                String pem = Files.readString(caBundle, StandardCharsets.UTF_8);
                if (!pem.contains("-----BEGIN CERTIFICATE-----")) throw new InputError(caBundle, 0, "--ca-bundle: no PEM certificate in the file");
                return pem;
            } catch (java.nio.file.NoSuchFileException e) {
                throw new InputError(caBundle, 0, "--ca-bundle: no such file");
            } catch (java.nio.charset.MalformedInputException e) {
                throw new InputError(caBundle, 0, "--ca-bundle: not a PEM text file");
            } catch (IOException e) {
                throw new InputError(caBundle, 0, "--ca-bundle: cannot read: " + e.getMessage());
            }
        }
    }

    @Command(name = "webhook", description = "Run the validating admission webhook (AdmissionReview v1 over HTTPS) until stopped.")
    static final class Webhook implements Callable<Integer> {
        @ParentCommand PolicyCommand policy;
        @Option(names = "--tls-cert", required = true, paramLabel = "FILE", description = "PEM certificate (chain) the webhook serves.") Path cert;
        @Option(names = "--tls-key", required = true, paramLabel = "FILE", description = "PEM private key of that certificate.") Path key;
        @Option(names = "--allowed", paramLabel = "REGISTRY", description = "Allowed registry (host[:port][/path]); default: the config's.") List<String> allowed;
        @Option(names = "--base-image", paramLabel = "IMAGE", description = "A base image never to deploy (besides the config's base_images).") List<String> baseImages;
        @Option(names = "--exempt", paramLabel = "NAMESPACE", description = "Namespaces not checked (default: kube-system).") List<String> exempt;
        @Option(names = "--port", paramLabel = "PORT", defaultValue = "8443", description = "HTTPS port to listen on (default: ${DEFAULT-VALUE}).") int port;
        @Option(names = "--bind", defaultValue = "0.0.0.0", paramLabel = "ADDRESS",
                description = "Address to listen on (default: ${DEFAULT-VALUE}, every interface).") String bind;

        @Override
        public Integer call() throws Exception {
            ImageTreeCommand root = policy.root;
            Optional<EngineConfig> config = root.configIfPresent();
            RegistryPolicy p = deploymentPolicy(config, allowed, baseImages);
            Set<String> exemptNs = Set.copyOf(exempt == null ? AdmissionManifests.DEFAULT_EXEMPT_NAMESPACES : exempt);
            CountDownLatch stopped = new CountDownLatch(1);
            if (port < 0 || port > 65535) throw new InputError("--port: " + port + " is not a port (0-65535)");
            java.net.InetSocketAddress address;
            try {
                address = new java.net.InetSocketAddress(java.net.InetAddress.getByName(bind), port);
            } catch (java.net.UnknownHostException e) {
                throw new InputError("--bind: '" + bind + "' is not an address of this machine");
            }
            AdmissionWebhookServer created;
            try {
                created = AdmissionWebhookServer.create(cert, key, p, exemptNs, AdmissionWebhookServer.Options.defaults().withAddress(address));
            } catch (java.nio.file.NoSuchFileException e) {
                throw new InputError(e.getFile() + ": no such file (--tls-cert / --tls-key)");
            } catch (IOException e) {
                throw new InputError("cannot read --tls-cert " + cert + " or --tls-key " + key + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new InputError(e.getMessage());
            }
            try (AdmissionWebhookServer server = created) {
                try {
                    server.start();
                } catch (IOException e) {
                    throw new InputError("cannot listen on " + bind + ":" + port + ": " + e.getMessage());
                }
                Thread hook = new Thread(() -> {
                    server.close();
                    stopped.countDown();
                }, "imagetree-webhook-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                root.out().println("admission webhook listening on https://" + (bind.contains(":") ? "[" + bind + "]" : bind) + ":"
                        + server.port() + "/validate (health: /healthz)");
                root.out().flush();
                stopped.await();
            }
            return 0;
        }
    }
}
