package org.imagetree.pipeline;

import org.imagetree.pipeline.expr.ExecutionContext;
import org.imagetree.pipeline.expr.ExpressionException;
import org.imagetree.pipeline.expr.Interpolator;
import org.imagetree.pipeline.expr.Lexer;
import org.imagetree.pipeline.expr.Unresolved;
import org.imagetree.pipeline.graph.ExecutionGraph;
import org.imagetree.pipeline.read.PipelineYaml;
import org.imagetree.pipeline.read.YamlValue;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * PipelineLib's {@code ExecutionContextTest.groovy} and {@code LexerTest.groovy} (b23da56), case by case: values bound
 * per node, read by descendants only, and interpolation (variables, defaults, list comprehensions, merges).
 */
class ExecutionContextTest {
    private static ExecutionContext context(List<String>... arcs) { return new ExecutionContext(ExecutionGraph.of(List.of(arcs))); }

    private static YamlValue yaml(String text) { return PipelineYaml.parse("test", text); }

    private static Object interpolate(ExecutionContext.NodeContext ctx, String yaml) { return Interpolator.run("", yaml(yaml), ctx); }

    private static Object interpolateString(ExecutionContext.NodeContext ctx, String s) {
        return Interpolator.run("", YamlValue.Scalar.string(s, 1), ctx);
    }

    @Test
    void allKeys() {
        ExecutionContext c = context(List.of("a", "b"));
        c.ofNode("a").bind("foo", "x");
        c.ofNode("b").bind("bar", "x");
        assertThat(c.allKeys()).containsExactly("a.foo", "b.bar");
    }

    @Test
    void nodesReadTheirAncestorsValuesOnly() {
        ExecutionContext c = context(List.of("a", "b", "c", "d", "e", "f"), List.of("x", "d", "y", "f"));
        ExecutionContext.NodeContext cc = c.ofNode("c");
        ExecutionContext.NodeContext ec = c.ofNode("e");
        c.ofNode("a").bind("foo", "afoo");
        c.ofNode("a").bind("bar", "abar");
        c.ofNode("b").bind("foo", "bfoo");
        c.ofNode("x").bind("bar", "xbar");
        assertThat(cc.binding("a", "foo")).isEqualTo("afoo");
        assertThat(cc.binding("a", "bar")).isEqualTo("abar");
        assertThat(cc.binding("b", "foo")).isEqualTo("bfoo");
        assertThatThrownBy(() -> cc.binding("x", "bar")).isInstanceOf(ExecutionContext.AncestorNotFoundException.class)
                .hasMessage("cannot access 'x.*' values since 'c' does not follow it in the graph");
        assertThatThrownBy(() -> cc.binding("baz")).isInstanceOf(ExecutionContext.NameNotFoundException.class);
        assertThat(ec.binding("a", "foo")).isEqualTo("afoo");
        assertThat(ec.binding("x", "bar")).isEqualTo("xbar");
    }

    @Test
    void bindingsAreImmutable() {
        ExecutionContext c = context(List.of("a", "b", "c"));
        c.ofNode("b").bind("foo", "bfoo");
        assertThatThrownBy(() -> c.ofNode("b").bind("foo", "newfoo")).isInstanceOf(ExecutionContext.NameAlreadyBoundException.class)
                .hasMessage("'b' already has a value assigned to 'foo'");
        assertThat(c.ofNode("b").binding("foo")).isEqualTo("bfoo");
    }

    @Test
    void stringInterpolation() {
        ExecutionContext c = context(List.of("a", "b", "c", "d", "e", "f"), List.of("x", "d", "y", "f"));
        c.ofNode("a").bind("foo", "afoo");
        c.ofNode("a").bind("bar", "abar");
        c.ofNode("b").bind("foo", "bfoo");
        c.ofNode("x").bind("bar", "xbar");
        assertThat(interpolateString(c.ofNode("b"), "w-t-${a.foo} ${.foo}")).isEqualTo("w-t-afoo bfoo");
        assertThat(interpolateString(c.ofNode("c"), "w-t-${a.foo} ${b.foo}")).isEqualTo("w-t-afoo bfoo");
        assertThat(interpolateString(c.ofNode("c"), "w-t-${a.bar}")).isEqualTo("w-t-abar");
        assertThatThrownBy(() -> interpolateString(c.ofNode("x"), "w-t-${b.bar}")).isInstanceOf(ExpressionException.class)
                .hasMessageContaining("cannot access 'b.*' values since 'x' does not follow it");
        assertThatThrownBy(() -> interpolateString(c.ofNode("b"), "w-t-${.bar}")).isInstanceOf(ExpressionException.class)
                .hasMessageContaining("no value bound for 'b.bar'");
    }

    @Test
    void selfScopeDashesAndNonStrings() {
        ExecutionContext c = context(List.of("a", "b", "c"));
        c.ofNode("c").bind("foo", "cfoo");
        assertThat(interpolateString(c.ofNode("c"), "w-t-${.foo}")).isEqualTo("w-t-cfoo");
        ExecutionContext d = context(List.of("a-stage", "b"));
        d.ofNode("a-stage").bind("foo-value", "afoo");
        assertThat(interpolateString(d.ofNode("b"), "w-t-${a-stage.foo-value}")).isEqualTo("w-t-afoo");
        assertThat(Interpolator.run("", new YamlValue.Scalar(true, 1), context(List.of("a")).ofNode("a"))).isEqualTo(true);
    }

    @Test
    void namesWithoutADotAreNotPipelineVariables() {
        assertThat(interpolateString(context(List.of("a")).ofNode("a"), "this is ${FOO} ${bar}.")).isEqualTo("this is ${FOO} ${bar}.");
    }

    @Test
    void defaultValues() {
        ExecutionContext c = context(List.of("a"));
        c.ofNode("a").bind("foo", "");
        assertThat(interpolateString(c.ofNode("a"), "${.foo|default value}")).isEqualTo("default value");
        assertThat(interpolateString(c.ofNode("a"), "${.nonexistent|}")).isEqualTo("");
    }

    @Test
    void listComprehension() {
        ExecutionContext c = context(List.of("a", "b"));
        c.ofNode("a").bind("foo", "foo1\nfoo2\nfoo3\n");
        c.ofNode("b").bind("bar", "bbar");
        Object out = interpolate(c.ofNode("b"), """
                things:
                  $each: bar
                  $in: "foo1\\nfoo2\\nfoo3\\n"
                  $yield:
                    fat: '${.bar}'
                    bat: '${b.bar}'
                    cat:
                      $each: char
                      $in: '${.bar}'
                      $delimiter: o
                """);
        assertThat(out).isEqualTo(Map.of("things", List.of(
                Map.of("fat", "foo1", "bat", "bbar", "cat", List.of("f", "1")),
                Map.of("fat", "foo2", "bat", "bbar", "cat", List.of("f", "2")),
                Map.of("fat", "foo3", "bat", "bbar", "cat", List.of("f", "3")))));
    }

    @Test
    void listComprehensionDestructuring() {
        ExecutionContext c = context(List.of("a"));
        c.ofNode("a").bind("foo", "foo1 foo2\nfoo3 foo4");
        Object out = interpolate(c.ofNode("a"), """
                things:
                  $each: [bar, baz]
                  $in: '${.foo}'
                  $yield: {a: '${.bar}', b: '${.baz}'}
                """);
        assertThat(out).isEqualTo(Map.of("things", List.of(Map.of("a", "foo1", "b", "foo2"), Map.of("a", "foo3", "b", "foo4"))));
        ExecutionContext short1 = context(List.of("a"));
        short1.ofNode("a").bind("foo", "one");
        assertThatThrownBy(() -> interpolate(short1.ofNode("a"), "{$each: [x, y], $in: '${.foo}', $yield: '${.x}${.y}'}"))
                .hasMessageContaining("insufficient number of values given ([one]) to bind to variables ([x, y])");
    }

    @Test
    void merges() {
        ExecutionContext c = context(List.of("a"));
        c.ofNode("a").bind("foo", "bar");
        // Lists concatenate, duplicates kept (ExecutionContextTest.testInterpolate_merge).
        assertThat(interpolate(c.ofNode("a"), "things: {$merge: [a, b, c], $with: [c, 'd-${.foo}']}"))
                .isEqualTo(Map.of("things", List.of("a", "b", "c", "c", "d-bar")));
        // The right mapping's entries win.
        assertThat(interpolate(c.ofNode("a"), "{$merge: {foo: x, bar: y}, $with: {bar: z}}")).isEqualTo(Map.of("foo", "x", "bar", "z"));
    }

    @Test
    void mappingKeysAreInterpolated() {
        ExecutionContext c = context(List.of("a"));
        c.ofNode("a").bind("foo", "bar");
        assertThat(interpolate(c.ofNode("a"), "'key-${.foo}': 'value-${.foo}'")).isEqualTo(Map.of("key-bar", "value-bar"));
    }

    @Test
    void getAllAndLookup() {
        ExecutionContext c = context(List.of("a", "b", "c", "z"), List.of("x", "b", "y", "z"));
        c.ofNode("a").bind("foo", "afoo");
        c.ofNode("c").bind("foo", "cfoo");
        c.ofNode("y").bind("foo", "yfoo");
        assertThat(c.ofNode("a").getAll()).isEqualTo(Map.of("foo", "afoo"));
        assertThat(c.getAll("foo")).isEqualTo(Map.of("a", "afoo", "c", "cfoo", "y", "yfoo"));
        ExecutionContext d = context(List.of("a", "b", "c"));
        d.ofNode("a").bind("foo", "afoo");
        d.ofNode("c").bind("foo", "cfoo");
        d.ofNode("b").bind("foo", "bfoo");
        assertThat(d.ofNode("c").lookup("a.foo")).isEqualTo("afoo");
        assertThat(d.ofNode("c").lookup("foo")).isEqualTo("cfoo");
        assertThat(d.ofNode("b").lookup(".foo")).isEqualTo("bfoo");
    }

    @Test
    void planningKeepsWhatARunWillBindAsItsExpression() {
        ExecutionContext c = context(List.of("a", "b"));
        c.ofNode("a").bind("imageID", new Unresolved.Unknown("a.imageID"));
        c.ofNode("a").bind("name", "svc");
        Interpolator.Planned p = Interpolator.plan("", YamlValue.Scalar.string("${a.name}:${a.imageID}", 1), c.ofNode("b"));
        assertThat(p.errors()).isEmpty();
        assertThat(p.value()).isEqualTo(new Unresolved.Template("svc:${a.imageID}"));
        Interpolator.Planned bad = Interpolator.plan("", yaml("[ '${a.nope}', '${z.x}', '${.y}' ]"), c.ofNode("b"));
        assertThat(bad.errors()).extracting(Throwable::getMessage).containsExactly(
                "[0]: no value bound for 'a.nope' (bound: imageID, name)",
                "[1]: cannot access 'z.*' values since 'b' does not follow it in the graph ('z' is not a stage of this pipeline)",
                "[2]: no value bound for 'b.y'");
    }

    // LexerTest.groovy

    @Test
    void lexerVariables() {
        assertThat(Lexer.tokenize("${foo.bar} extra")).containsExactly(new Lexer.Variable("${foo.bar}", "foo.bar", false, ""), new Lexer.Literal(" extra"));
        assertThat(Lexer.tokenize("${foo.bar|hi} extra").get(0)).isEqualTo(new Lexer.Variable("${foo.bar|hi}", "foo.bar", true, "hi"));
        assertThat(Lexer.tokenize("Just a\nbasic string.")).containsExactly(new Lexer.Literal("Just a\nbasic string."));
        assertThat(Lexer.tokenize("A string with ${a.variable} and another ${.variable|some default}.")).containsExactly(
                new Lexer.Literal("A string with "), new Lexer.Variable("${a.variable}", "a.variable", false, ""),
                new Lexer.Literal(" and another "), new Lexer.Variable("${.variable|some default}", ".variable", true, "some default"),
                new Lexer.Literal("."));
        assertThat(Lexer.tokenize("${.stage}")).containsExactly(new Lexer.Variable("${.stage}", ".stage", false, ""));
    }

    @Test
    void lexerRefusesBrokenVariables() {
        assertThatThrownBy(() -> Lexer.tokenize("A string with ${not.a.variable")).hasMessageContaining("missing the end delimiter }");
        assertThatThrownBy(() -> Lexer.tokenize("A string with an ${invalid.variable&name}.")).hasMessageContaining("invalid character following name");
        assertThatThrownBy(() -> Lexer.tokenize("${}")).hasMessageContaining("name is missing");
        assertThatThrownBy(() -> Lexer.tokenize("${HOME:-/root}")).hasMessage("invalid variable expression (invalid character following name): ${HOME:-/root}");
    }
}
