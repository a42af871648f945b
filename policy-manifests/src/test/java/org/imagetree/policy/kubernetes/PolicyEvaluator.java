package org.imagetree.policy.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.cel.runtime.CelStandardFunctions;
import com.google.re2j.Pattern;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.NamedRuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Validation;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Variable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Evaluates a ValidatingAdmissionPolicy and its binding on an AdmissionReview request the way the API server does
 * (Kubernetes {@code staging/src/k8s.io/apiserver/pkg/admission/plugin/policy/validating}, read at commit
 * 002315b9745c1ca0f15295ab870e0b4b56203b0e): the match constraints first (resource rules on the request's group,
 * resource and operation; the namespace selector on the namespace's {@code kubernetes.io/metadata.name} label), then
 * the variables (each may use those before it) and the validations, compiled and run with CEL's Java implementation
 * ({@code dev.cel}) in an environment like the API server's base environment ({@code cel/environment/base.go}: the
 * standard library, regular expressions partially matched as Go's {@code regexp} does, the strings extension). A
 * validation that is false denies with its message expression's text; one that fails to evaluate denies too, as the
 * policy's {@code failurePolicy: Fail} says. The Kubernetes library functions (authorizer, quantity, ip, url, image)
 * are not declared: an expression that used one would fail to compile here, and the test with it.
 */
final class PolicyEvaluator {
    /** The outcome: allowed, or denied with the messages. */
    record Decision(boolean allowed, List<String> messages) {}

    private final ValidatingAdmissionPolicy policy;
    private final CelCompiler compiler;
    private final CelRuntime runtime;
    private final Map<String, CelRuntime.Program> compiled = new HashMap<>();
    private final Map<String, Pattern> patterns = new ConcurrentHashMap<>();

    PolicyEvaluator(ValidatingAdmissionPolicy policy, ValidatingAdmissionPolicyBinding binding) {
        this.policy = policy;
        if (!binding.getSpec().getPolicyName().equals(policy.getMetadata().getName())) throw new IllegalArgumentException("binding of another policy");
        if (!binding.getSpec().getValidationActions().equals(List.of("Deny"))) throw new IllegalArgumentException("only Deny is evaluated");
        if (!"Fail".equals(policy.getSpec().getFailurePolicy())) throw new IllegalArgumentException("only failurePolicy Fail is evaluated");
        CelOptions options = CelOptions.current().build(); // matches() finds a match anywhere, as cel-go does
        compiler = CelCompilerFactory.standardCelCompilerBuilder()
                .setOptions(options)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS) // has, all, exists, exists_one, map, filter
                .addLibraries(CelExtensions.strings())
                .addVar("object", SimpleType.DYN)
                .addVar("oldObject", SimpleType.DYN)
                .addVar("request", SimpleType.DYN)
                .addVar("params", SimpleType.DYN)
                .addVar("namespaceObject", SimpleType.DYN)
                .addVar("variables", MapType.create(SimpleType.STRING, SimpleType.DYN))
                .build();
        // matches() compiles its pattern on every call; the API server's cel-go compiles constant patterns once
        // (cel.OptOptimize): the same RE2 semantics with the compiled pattern kept, else the table takes a minute
        runtime = CelRuntimeFactory.standardCelRuntimeBuilder()
                .setOptions(options)
                .setStandardEnvironmentEnabled(false)
                .setStandardFunctions(CelStandardFunctions.newBuilder().excludeFunctions(CelStandardFunctions.StandardFunction.MATCHES).build())
                .addFunctionBindings(CelFunctionBinding.from("matches", String.class, String.class, this::matches),
                        CelFunctionBinding.from("matches_string", String.class, String.class, this::matches))
                .addLibraries(CelExtensions.strings())
                .build();
        for (Variable v : policy.getSpec().getVariables()) compile(v.getExpression());
        for (Validation v : policy.getSpec().getValidations()) {
            compile(v.getExpression());
            if (v.getMessageExpression() != null) compile(v.getMessageExpression());
        }
    }

    /** The decision on an AdmissionReview (its {@code request}). */
    Decision evaluate(JsonNode review) {
        JsonNode request = review.path("request");
        if (!matches(request)) return new Decision(true, List.of());
        Map<String, Object> activation = new HashMap<>();
        activation.put("object", cel(request.path("object")));
        activation.put("oldObject", cel(request.path("oldObject")));
        activation.put("request", cel(request));
        activation.put("params", NullValue.NULL_VALUE);
        activation.put("namespaceObject", NullValue.NULL_VALUE);
        Map<String, Object> variables = new LinkedHashMap<>();
        activation.put("variables", variables);
        List<String> denials = new ArrayList<>();
        for (Variable v : policy.getSpec().getVariables()) {
            try {
                variables.put(v.getName(), eval(v.getExpression(), activation));
            } catch (CelEvaluationException e) {
                // the API server evaluates variables lazily: an error surfaces in the validations that use it
                return new Decision(false, List.of("variable " + v.getName() + " failed: " + e.getMessage()));
            }
        }
        for (Validation v : policy.getSpec().getValidations()) {
            Object result;
            try {
                result = eval(v.getExpression(), activation);
            } catch (CelEvaluationException e) {
                denials.add("expression failed (failurePolicy Fail): " + e.getMessage());
                continue;
            }
            if (!(result instanceof Boolean b)) {
                denials.add("expression is not a bool: " + result);
            } else if (!b) {
                denials.add(message(v, activation));
            }
        }
        return new Decision(denials.isEmpty(), denials);
    }

    private String message(Validation v, Map<String, Object> activation) {
        if (v.getMessageExpression() != null) {
            try {
                if (eval(v.getMessageExpression(), activation) instanceof String s && !s.isBlank()) return s;
            } catch (CelEvaluationException e) {
                // falls back to the static message
            }
        }
        return v.getMessage() != null ? v.getMessage() : "failed expression: " + v.getExpression();
    }

    /** The match constraints: a rule for the request's group, resource and operation, and the namespace selector. */
    private boolean matches(JsonNode request) {
        String group = request.path("resource").path("group").asText("");
        String resource = request.path("resource").path("resource").asText("");
        String sub = request.path("subResource").asText("");
        String operation = request.path("operation").asText("");
        String full = sub.isEmpty() ? resource : resource + "/" + sub;
        boolean ruled = false;
        for (NamedRuleWithOperations r : policy.getSpec().getMatchConstraints().getResourceRules()) {
            if (matchesAny(r.getApiGroups(), group) && matchesAny(r.getOperations(), operation) && matchesAny(r.getResources(), full)
                    && (r.getScope() == null || r.getScope().equals("*") || r.getScope().equals("Namespaced") == !request.path("namespace").asText("").isEmpty())) {
                ruled = true;
            }
        }
        if (!ruled) return false;
        return selects(policy.getSpec().getMatchConstraints().getNamespaceSelector(),
                Map.of("kubernetes.io/metadata.name", request.path("namespace").asText("")));
    }

    private static boolean matchesAny(List<String> values, String value) {
        return values.contains("*") || values.contains(value);
    }

    private static boolean selects(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) return true;
        if (selector.getMatchLabels() != null) {
            for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) if (!e.getValue().equals(labels.get(e.getKey()))) return false;
        }
        for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
            String value = labels.get(r.getKey());
            boolean ok = switch (r.getOperator()) {
                case "In" -> value != null && r.getValues().contains(value);
                case "NotIn" -> value == null || !r.getValues().contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> throw new IllegalArgumentException("operator " + r.getOperator());
            };
            if (!ok) return false;
        }
        return true;
    }

    private void compile(String expression) {
        try {
            CelAbstractSyntaxTree ast = compiler.compile(expression).getAst();
            compiled.put(expression, runtime.createProgram(ast));
        } catch (CelValidationException | CelEvaluationException e) {
            throw new IllegalArgumentException("does not compile: " + expression + "\n" + e.getMessage(), e);
        }
    }

    private Object eval(String expression, Map<String, Object> activation) throws CelEvaluationException {
        return compiled.get(expression).eval(activation);
    }

    /** CEL's matches(): RE2 (RE2J here, Go's regexp in the API server), true when the pattern matches anywhere. */
    private boolean matches(String string, String pattern) {
        return patterns.computeIfAbsent(pattern, Pattern::compile).matcher(string).find();
    }

    /** JSON as CEL sees unstructured objects: maps, lists, strings, int64, double, bool, null. */
    static Object cel(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) return NullValue.NULL_VALUE;
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> map.put(e.getKey(), cel(e.getValue())));
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(n -> list.add(cel(n)));
            return list;
        }
        if (node.isTextual()) return node.asText();
        if (node.isBoolean()) return node.asBoolean();
        if (node.isIntegralNumber()) return node.asLong();
        if (node.isNumber()) return node.asDouble();
        throw new IllegalArgumentException("JSON value " + node);
    }
}
