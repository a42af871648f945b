package org.imagetree.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.OutputTooBigException;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.loader.ResourceLocator;
import com.hubspot.jinjava.loader.ResourceNotFoundException;
import org.imagetree.InputError;
import org.imagetree.config.EngineConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders {@code Dockerfile.template} files as docker-pkg does (Jinja2 with StrictUndefined, the config as
 * context, docker-pkg's filters), byte for byte.
 *
 * <p>Differences from docker-pkg, on purpose: the credentials ({@code username}, {@code password}) are not
 * visible to templates, and {@code image_tag} also finds images of a registry with a port.
 *
 * <p>Thread-safe: all per-render state lives in a {@link RenderSession}; one renderer may render many
 * templates concurrently.
 */
public final class TemplateRenderer {
    private static final Pattern NUMERIC_USER = Pattern.compile("USER\\s+\\d+(?::\\d+)?");
    /** Where templates are found outside a render: nowhere (Jinjava's default is the class path). */
    private static final ResourceLocator NO_TEMPLATES = (name, encoding, interpreter) -> {
        throw new ResourceNotFoundException("template '" + name + "' not found");
    };
    private static final Pattern LINE_BREAK = Pattern.compile("\\r\\n|\\r|\\n");

    /**
     * Jinjava's opt-ins to Jinja2 behaviour: {@code {{- -}}} and {@code {#- -#}} trim, strict whitespace
     * control parsing, Python operator precedence and Python reprs. Not {@code whitespaceRequiredWithinTokens}:
     * with it Jinjava prints {@code {%- if %}} tags literally.
     */
    private static final LegacyOverrides JINJA2_COMPATIBLE = LegacyOverrides.newBuilder()
            .withUseTrimmingForNotesAndExpressions(true)
            .withParseWhitespaceControlStrictly(true)
            .withUseNaturalOperatorPrecedence(true)
            .withUsePyishObjectMapper(true)
            .withEvaluateMapKeys(true)
            .withAllowAdjacentTextNodes(true)
            .build();

    /**
     * One Jinjava per rendering thread: Jinjava records every resolved expression, value and function in each
     * context <em>and all its parents</em>, up to the instance's global context, in plain hash sets; a global
     * context shared by threads rendering at once gets corrupted (seen as {@code HashMap$Node cannot be cast to
     * HashMap$TreeNode} in a 10,000-image tree).
     */
    private final ThreadLocal<Jinjava> jinjava = ThreadLocal.withInitial(TemplateRenderer::newJinjava);
    private final Map<String, Object> bindings;
    private final ImageLabels knownLabels;
    private final String registry;
    private final String namespace;
    private final AptCommands apt;
    private final UserMappings users;
    private final Consumer<String> warnings;
    private final SecretRedactor redactor;

    /**
     * @param config      the merged configuration; its {@link EngineConfig#templateContext()} is the render context
     * @param knownLabels full labels {@code registry/namespace/name:tag} of the scanned images and the
     *                    config's {@code base_images}, for {@code image_tag}
     * @param warnings    receives warnings such as an unknown user given to {@code uid}; may be called
     *                    from several threads when rendering concurrently
     */
    public TemplateRenderer(EngineConfig config, Collection<String> knownLabels, Consumer<String> warnings) {
        Objects.requireNonNull(config, "config");
        this.knownLabels = new ImageLabels(knownLabels);
        this.warnings = Objects.requireNonNull(warnings, "warnings");
        this.registry = config.registry();
        this.namespace = config.namespace();
        this.apt = new AptCommands(config.aptOnlyProxy(), config.aptOptions());
        this.users = new UserMappings(config.knownUidMappings());
        this.bindings = jinjaBindings(config.templateContext());
        this.redactor = SecretRedactor.of(config);
    }

    /** Renders one template; errors become {@link InputError}s naming the template file and line. */
    public RenderedTemplate render(Path templateFile) {
        String source;
        try {
            source = Files.readString(templateFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InputError(templateFile, 0, "cannot read template: " + e.getMessage());
        }
        return render(templateFile, source);
    }

    /** Renders template text; {@code templateFile} only names it in errors. */
    public RenderedTemplate render(Path templateFile, String source) {
        RenderSession session = new RenderSession();
        Jinjava jinjava = this.jinjava.get();
        Path directory = templateFile.toAbsolutePath().normalize().getParent();
        jinjava.setResourceLocator(directory == null ? NO_TEMPLATES : new ImageDirectoryLocator(directory, session));
        Context context = new Context(jinjava.getGlobalContext(), bindings);
        registerFilters(jinjava, context, session);
        context.setDynamicVariableResolver(name -> new StrictUndefined(name, session));
        JinjavaInterpreter interpreter = new JinjavaInterpreter(jinjava, context, jinjava.getGlobalConfig());
        String output;
        JinjavaInterpreter.pushCurrent(interpreter);
        try {
            output = interpreter.render(Jinja2Source.prepare(source));
        } catch (RuntimeException e) {
            limitExceeded(templateFile, e, interpreter.getLineNumber());
            throw session.failure()
                    .map(f -> toInputError(templateFile, f))
                    .orElseGet(() -> new InputError(templateFile, interpreter.getLineNumber(), redactor.redact(describe(e, context))));
        } finally {
            JinjavaInterpreter.popCurrent();
            jinjava.setResourceLocator(NO_TEMPLATES);
        }
        for (TemplateError error : interpreter.getErrorsCopy()) limitExceeded(templateFile, error.getException(), error.getLineno());
        if (session.failure().isPresent()) throw toInputError(templateFile, session.failure().get());
        // Jinjava reports some problems Jinja2 raises (a stray {% endif %}) only as warnings.
        for (TemplateError error : interpreter.getErrorsCopy()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL
                    || error.getReason() == TemplateError.ErrorReason.SYNTAX_ERROR) {
                throw new InputError(templateFile, error.getLineno(), redactor.redact(error.getMessage()));
            }
        }
        return new RenderedTemplate(output, session.imageTagNames());
    }

    /**
     * docker-pkg's {@code force_numeric_user} check: the last line starting with {@code USER } must be
     * {@code USER <uid>[:<gid>]}; a Dockerfile without such a line passes.
     */
    public static boolean hasNumericUser(String dockerfile) {
        String last = null;
        for (String line : LINE_BREAK.split(dockerfile, -1)) {
            if (line.startsWith("USER ")) last = line;
        }
        return last == null || NUMERIC_USER.matcher(last).matches();
    }

    private static Jinjava newJinjava() {
        Jinjava jinjava = new Jinjava(JinjavaConfig.newBuilder()
                .withFailOnUnknownTokens(true)
                .withNestedInterpretationEnabled(false)
                .withTrimBlocks(false)
                .withLstripBlocks(false)
                .withLegacyOverrides(JINJA2_COMPATIBLE)
                .withMaxOutputSize(TemplateLimits.MAX_CHARS)
                .withMaxStringLength(TemplateLimits.MAX_CHARS)
                .withMaxListSize(TemplateLimits.MAX_ITEMS)
                .withMaxMapSize(TemplateLimits.MAX_ITEMS)
                .withElResolver(new LimitingResolver(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY))
                .build());
        // Every built-in filter bounded; the image directory is the only place templates are read from.
        for (Filter builtin : List.copyOf(jinjava.getGlobalContext().getAllFilters())) {
            jinjava.getGlobalContext().registerFilter(new LimitingFilter(builtin));
        }
        jinjava.setResourceLocator(NO_TEMPLATES);
        return jinjava;
    }

    private void registerFilters(Jinjava jinjava, Context context, RenderSession session) {
        context.registerFilter(new NamedFilter("image_tag", session, name -> imageTag(name, session)));
        context.registerFilter(new NamedFilter("upstream_version", session, UpstreamVersion::of));
        context.registerFilter(new NamedFilter("apt_install", session, apt::install));
        context.registerFilter(new NamedFilter("apt_remove", session, apt::remove));
        context.registerFilter(new NamedFilter("uid", session, user -> users.uid(user, warnings)));
        context.registerFilter(new NamedFilter("add_user", session, users::addUser));
        UndefinedAwareLibrary.register(context, jinjava.getGlobalContext().getFilter("default"));
    }

    private String imageTag(String name, RenderSession session) {
        session.imageTagCalled(name);
        String repository = ImageLabels.pathJoin(registry, namespace, name);
        return knownLabels.find(repository).orElseThrow(() -> new FilterFailure("Image " + name + " not found, or it has no tag"
                // docker-pkg's message, and what it does not say: where image_tag looked, and a same-named image elsewhere
                // (typically base_images left under the old namespace when the config's namespace changed).
                + knownLabels.sameName(name).map(other -> " (image_tag looks for " + repository + ", from the config's registry"
                        + " and namespace; " + other + " is under another path: with a new namespace, move base_images to it too)").orElse("")));
    }

    /** A render that went over {@link TemplateLimits} fails with that, whatever else Jinjava made of it. */
    private static void limitExceeded(Path templateFile, Throwable error, int line) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TemplateLimits.Exceeded e) throw new InputError(templateFile, line, e.getMessage());
            if (t instanceof OutputTooBigException) {
                throw new InputError(templateFile, 0, "the rendered template, or a string it builds, is over the limit of " + TemplateLimits.MAX_CHARS + " characters");
            }
        }
    }

    private InputError toInputError(Path templateFile, RenderSession.Failure f) {
        return new InputError(templateFile, f.line(), redactor.redact(f.error().getMessage()), f.error());
    }

    private static final Pattern UNKNOWN_TOKEN = Pattern.compile("Unknown token found: (.*)", Pattern.DOTALL);
    private static final Pattern FILTER_CALL = Pattern.compile("\\|\\s*([A-Za-z_][A-Za-z0-9_]*)");

    /** Jinjava's "Unknown token found: x | f" says, as Jinja2 does, which filter does not exist. */
    private static String describe(RuntimeException e, Context context) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Matcher unknown = UNKNOWN_TOKEN.matcher(message);
        if (unknown.matches()) {
            Matcher filter = FILTER_CALL.matcher(unknown.group(1));
            while (filter.find()) {
                if (context.getFilter(filter.group(1)) == null) {
                    return "no filter named '" + filter.group(1) + "' (in {{ " + unknown.group(1).strip() + " }})";
                }
            }
        }
        return message;
    }

    /**
     * The context with Python's None for null values (defined, false), deeply unmodifiable: renders share
     * it, so a template must not be able to change a list such as {@code base_images} for the next one.
     */
    private static Map<String, Object> jinjaBindings(Map<String, Object> context) {
        @SuppressWarnings("unchecked")
        Map<String, Object> bindings = (Map<String, Object>) jinjaValue(context);
        return bindings;
    }

    private static Object jinjaValue(Object value) {
        if (value == null) return JinjaNone.NONE;
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), jinjaValue(v)));
            return Collections.unmodifiableMap(out);
        }
        if (value instanceof Collection<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(jinjaValue(v)));
            return Collections.unmodifiableList(out);
        }
        return value;
    }

}
