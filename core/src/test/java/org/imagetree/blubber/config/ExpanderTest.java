package org.imagetree.blubber.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.imagetree.blubber.config.ConfigDecoderTest.decode;

class ExpanderTest {

    @Test
    void includesAreWalkedDepthFirstLeavesFirst() {
        BlubberConfig c = decode("""
                version: v4
                variants:
                  aaa: {includes: [bbb, ccc]}
                  bbb: {includes: [ddd, eee]}
                  ccc: {}
                  ddd: {includes: [fff]}
                  eee: {}
                  fff: {}
                """);
        assertThat(Expander.includedVariants(c, "aaa")).containsExactly("fff", "ddd", "eee", "bbb", "ccc");
    }

    @Test
    void includeCyclesAndUnknownVariantsAreErrors() {
        BlubberConfig c = decode("version: v4\nvariants:\n  aaa: {includes: [bbb]}\n  bbb: {includes: [aaa]}\n");
        assertThatThrownBy(() -> Expander.expand(c, "aaa")).isInstanceOfSatisfying(BlubberError.class, e -> {
            assertThat(e.problem()).isEqualTo("processing includes for variant 'aaa': Detected dependency graph cycle at 'aaa'");
            assertThat(e.exitCode()).isEqualTo(3);
        });
        assertThatThrownBy(() -> Expander.expand(c, "zzz"))
                .hasMessageContaining("processing includes for variant 'zzz': There is no key 'zzz' in the dependency graph"
                        + " (existing variants: aaa, bbb)");
        assertThatThrownBy(() -> Expander.includedVariants(c, "zzz")).hasMessageEndingWith("(existing variants: aaa, bbb)");
    }

    /** Blubber never takes {@code from: local} for a variant, not even beside a variant named "local". */
    @Test
    void fromLocalIsTheBuildContextEvenBesideAVariantNamedLocal() {
        BlubberConfig c = decode("version: v4\nvariants:\n  local:\n    base: debian:bookworm\n    copies: [{from: local, source: ., destination: .}]\n"
                + "  production:\n    base: debian:bookworm\n    copies: [local, {from: local, source: a.txt}]\n"
                + "    python: {version: python3, requirements: [{from: local, source: requirements.txt}]}\n");
        assertThat(Expander.expand(c, "local").stages()).extracting(Variant::name).containsExactly("local");
        assertThat(Expander.expand(c, "production").stages()).extracting(Variant::name).containsExactly("production");
    }

    @Test
    void copiesCyclesAreErrors() {
        BlubberConfig c = decode("version: v4\nvariants:\n  aaa: {copies: [bbb]}\n  bbb: {copies: [aaa]}\n");
        assertThatThrownBy(() -> Expander.expand(c, "aaa"))
                .hasMessageContaining("processing copies for variant 'aaa': Detected dependency graph cycle at 'aaa'");
    }

    @Test
    void mergeRules() {
        BlubberConfig c = decode("""
                version: v4
                base: root:1
                arguments: {AA: root, BB: root}
                apt: {packages: [one]}
                runs: {environment: {XX: root}, insecurely: true}
                entrypoint: [root]
                variants:
                  parent:
                    base: parent:1
                    apt: {packages: {default: [two], sid: [three]}, sources: [{url: "http://a", distribution: x}], proxies: [http://p]}
                    node: {requirements: [a.json], env: dev, use-npm-ci: true}
                    python: {version: python3, requirements: [r.txt], venv: /v, poetry: {version: ==1}}
                    builder: {command: [make], requirements: [Makefile], mounts: [assets], caches: [/c]}
                    lives: {in: /parent, uid: 10}
                    copies: [local, {from: local, source: a}]
                  child:
                    includes: [parent]
                    base: ~
                    arguments: {BB: child}
                    apt: {packages: [four], sources: [{url: "http://b", distribution: y}]}
                    node: {requirements: [], allow-dedupe-failure: true}
                    python: {requirements: [s.txt], no-deps: false}
                    builder: {caches: [/d]}
                    lives: {as: child, uid: 0}
                    runs: {environment: {YY: child}, insecurely: false}
                    entrypoint: []
                    copies: [local]
                  assets: {}
                """);
        CommonConfig m = Expander.expand(c, "child").targetVariant().common();
        assertThat(m.base()).as("null does not reset").isEqualTo("parent:1");
        assertThat(m.arguments()).isEqualTo(Map.of("AA", "root", "BB", "child"));
        assertThat(m.apt().packages()).isEqualTo(Map.of("default", List.of("one", "two", "four"), "sid", List.of("three")));
        assertThat(m.apt().sources()).extracting(AptSource::url).containsExactly("http://a", "http://b");
        assertThat(m.apt().proxies()).hasSize(1);
        assertThat(m.node().requirements()).as("replaced even by []").isEmpty();
        assertThat(m.node().env()).isEqualTo("dev");
        assertThat(m.node().useNpmCi()).isTrue();
        assertThat(m.node().allowDedupeFailure()).isTrue();
        assertThat(m.python().requirements()).extracting(Artifact::source).containsExactly("s.txt");
        assertThat(m.python().version()).isEqualTo("python3");
        assertThat(m.python().venv()).isEqualTo("/v");
        assertThat(m.python().noDeps()).isFalse();
        assertThat(m.python().poetry().version()).isEqualTo("==1");
        assertThat(m.builder().command()).isEqualTo(Command.ofArgv(List.of("make")));
        assertThat(m.builder().caches()).extracting(Cache::destination).as("replaced").containsExactly("/d");
        assertThat(m.builder().mounts()).hasSize(1);
        assertThat(m.lives()).isEqualTo(new Lives("/parent", "child", 10, 65533));
        assertThat(m.runs().environment()).isEqualTo(Map.of("XX", "root", "YY", "child"));
        assertThat(m.runs().isInsecure()).as("explicit false overrides").isFalse();
        assertThat(m.entrypoint()).as("[] replaces").isEmpty();
        assertThat(Expander.expand(c, "child").targetVariant().copies()).as("duplicates removed, latest kept")
                .containsExactly(new Artifact("local", "a", "", List.of()), new Artifact("local", "", "", List.of()));
    }

    @Test
    void mergedCommandAndScriptFailValidationAfterExpansion() {
        BlubberConfig c = decode("""
                version: v4
                variants:
                  parent: {builder: {command: [make]}}
                  child: {includes: [parent], builder: {script: "echo"}}
                """);
        ConfigValidator.validateOrThrow(c);
        assertThatThrownBy(() -> Expander.expand(c, "child")).isInstanceOfSatisfying(ValidationError.class, e ->
                assertThat(e.messages()).containsExactly(
                        "command: is not allowed if any of field(s) \"script\" is declared/included",
                        "script: is not allowed if any of field(s) \"command\" is declared/included"));
    }

    @Test
    void rootNodePlusVariantBuildersFailsAfterExpansion() {
        BlubberConfig c = decode("version: v4\nnode: {env: x}\nvariants:\n  abc: {builders: [{custom: {command: [x]}}]}\n");
        assertThatThrownBy(() -> Expander.expand(c, "abc")).hasMessageContaining(
                "builders: is not allowed if any of field(s) \"node php python builder\" is declared/included");
    }

    @Test
    void buildersListsMergeAsInBlubbersUnitTest() {
        BlubberConfig c = decode("""
                version: v4
                builders:
                  - node: {use-npm-ci: true}
                  - python: {version: python2.7}
                  - php: {requirements: [composer.json]}
                variants:
                  abc:
                    builders:
                      - python: {requirements: [req.txt]}
                      - node: {requirements: [package.json], allow-dedupe-failure: true}
                      - custom: {command: [make, deps]}
                """);
        List<Builder> b = Expander.expand(c, "abc").targetVariant().common().builders();
        assertThat(b).extracting(Builder::type).containsExactly("php", "python", "node", "custom");
        assertThat(((PythonBuilder) b.get(1)).version()).isEqualTo("python2.7");
        assertThat(((PythonBuilder) b.get(1)).requirements()).hasSize(1);
        assertThat(((NodeBuilder) b.get(2)).useNpmCi()).isTrue();
        assertThat(((NodeBuilder) b.get(2)).allowDedupeFailure()).isTrue();
    }

    @Test
    void scriptOverridesOnlyWhenNonEmpty() {
        CustomBuilder parent = new CustomBuilder(null, "one", null, null, null);
        assertThat(parent.mergeWith(new CustomBuilder(null, "", null, null, null)).script()).isEqualTo("one");
        assertThat(parent.mergeWith(new CustomBuilder(null, "two", null, null, null)).script()).isEqualTo("two");
    }

    @Test
    void parentCustomBuildersRunFirst() {
        assertThat(CommonConfig.mergeBuilderLists(
                List.of(new CustomBuilder(Command.ofShell("a"), "", null, null, null)),
                List.of(new CustomBuilder(Command.ofShell("b"), "", null, null, null))))
                .extracting(b -> ((CustomBuilder) b).command().shell()).containsExactly("a", "b");
    }

    @Test
    void copiesGraphUsesCopiesRequirementsAndMountsOfExpandedVariants() {
        BlubberConfig c = decode("""
                version: v4
                variants:
                  leaf: {}
                  mid: {copies: [leaf]}
                  other: {}
                  viainclude: {includes: [mid]}
                  mnt: {}
                  target:
                    copies: [viainclude, "debian:bookworm"]
                    builder: {requirements: [{from: other}], mounts: [mnt], command: [x]}
                """);
        assertThat(Expander.expand(c, "target").stages()).extracting(Variant::name)
                .containsExactly("leaf", "viainclude", "other", "mnt", "target");
    }
}
