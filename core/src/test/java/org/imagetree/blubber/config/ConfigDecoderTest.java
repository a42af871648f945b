package org.imagetree.blubber.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigDecoderTest {
    static BlubberConfig decode(String yaml) { return ConfigDecoder.decode("blubber.yaml", yaml); }

    @Test
    void decodesEveryCommonField() {
        BlubberConfig c = decode("""
                version: v4
                base: debian:bookworm
                arguments: {MAKE_TARGET: foo}
                apt:
                  packages:
                    default: [gcc]
                    bookworm-backports: [curl]
                  sources:
                    - url: https://apt.example.org/debian
                      distribution: bookworm
                      components: [main, contrib]
                      signed-by: KEY
                  proxies:
                    - http://proxy:8080
                    - {url: http://proxy2:8080, source: https://apt.example.org}
                node: {requirements: [package.json], env: production, use-npm-ci: true, allow-dedupe-failure: false}
                php: {requirements: [composer.json], production: true}
                python:
                  version: python3
                  requirements: [requirements.txt]
                  use-system-site-packages: true
                  no-deps: true
                  venv: /opt/venv
                  pip-version: "~=26.0"
                  setuptools-version: "81"
                  tox-version: "4.49.1"
                  wheel-version: "~=0.46.3"
                  poetry: {version: ==1.5.1, devel: true, only: main, without: dev}
                builder:
                  command: [make, build]
                  requirements: [Makefile, {from: local, source: src/, destination: lib/, exclude: ["*.md"]}]
                  mounts: [assets, {from: local, source: /x, destination: ./y}]
                  caches: ["${GOCACHE}", {destination: /c, id: cid, access: locked}]
                lives: {in: /app, as: owner, uid: 1000, gid: 1001}
                runs: {as: runner, uid: 2000, gid: 2001, environment: {FOO: bar}, in: /work, insecurely: true}
                entrypoint: [./run]
                variants:
                  test: {}
                """);
        CommonConfig r = c.root();
        assertThat(r.base()).isEqualTo("debian:bookworm");
        assertThat(r.arguments()).containsEntry("MAKE_TARGET", "foo");
        assertThat(r.apt().packages()).containsEntry("default", List.of("gcc")).containsEntry("bookworm-backports", List.of("curl"));
        assertThat(r.apt().sources()).containsExactly(new AptSource("https://apt.example.org/debian", "bookworm", List.of("main", "contrib"), "KEY"));
        assertThat(r.apt().proxies()).containsExactly(new AptProxy("http://proxy:8080", ""), new AptProxy("http://proxy2:8080", "https://apt.example.org"));
        assertThat(r.node()).isEqualTo(new NodeBuilder(List.of(new Artifact("local", "package.json", "", List.of())), "production", true, false));
        assertThat(r.php()).isEqualTo(new PhpBuilder(List.of(new Artifact("local", "composer.json", "", List.of())), true));
        PythonBuilder p = r.python();
        assertThat(p.version()).isEqualTo("python3");
        assertThat(p.useSystemSitePackages()).isTrue();
        assertThat(p.noDeps()).isTrue();
        assertThat(p.venv()).isEqualTo("/opt/venv");
        assertThat(List.of(p.pipVersion(), p.setuptoolsVersion(), p.toxVersion(), p.wheelVersion()))
                .containsExactly("~=26.0", "81", "4.49.1", "~=0.46.3");
        assertThat(p.poetry()).isEqualTo(new Poetry("==1.5.1", true, "main", "without".equals("x") ? "" : "dev"));
        CustomBuilder b = r.builder();
        assertThat(b.command()).isEqualTo(Command.ofArgv(List.of("make", "build")));
        assertThat(b.requirements()).containsExactly(new Artifact("local", "Makefile", "", List.of()),
                new Artifact("local", "src/", "lib/", List.of("*.md")));
        assertThat(b.mounts()).containsExactly(new Mount("assets", ".", ""), new Mount("local", "./y", "/x"));
        assertThat(b.caches()).containsExactly(new Cache("${GOCACHE}", "", "shared"), new Cache("/c", "cid", "locked"));
        assertThat(r.lives()).isEqualTo(new Lives("/app", "owner", 1000, 1001));
        assertThat(r.runs()).isEqualTo(new Runs("runner", 2000, 2001, Map.of("FOO", "bar"), "/work", true));
        assertThat(r.entrypoint()).containsExactly("./run");
    }

    @Test
    void decodesVariantKeysAndShorthands() {
        BlubberConfig c = decode("""
                version: v4
                variants:
                  build:
                    includes: [base1]
                    copies: [local, {from: other, source: /a, destination: /b}]
                    builders:
                      - custom: {command: "make build", script: ""}
                      - node: {requirements: []}
                      - php: {}
                      - python: {version: python3}
                    apt: {packages: [a-b]}
                  base1: {}
                  other: {}
                """);
        Variant v = c.variants().get("build");
        assertThat(v.includes()).containsExactly("base1");
        assertThat(v.copies()).containsExactly(new Artifact("local", "", "", List.of()), new Artifact("other", "/a", "/b", List.of()));
        assertThat(v.common().builders()).extracting(Builder::type).containsExactly("custom", "node", "php", "python");
        assertThat(((CustomBuilder) v.common().builders().get(0)).command()).isEqualTo(Command.ofShell("make build"));
        assertThat(v.common().apt().packages()).containsEntry("default", List.of("a-b"));
        assertThat(c.variants().keySet()).containsExactly("build", "base1", "other");
    }

    @Test
    void rootStartsFromTheDefaults() {
        BlubberConfig c = decode("version: v4\nlives: {uid: 1234}\nvariants: {}\n");
        assertThat(c.root().lives()).isEqualTo(new Lives("/srv/app", "somebody", 1234, 65533));
        assertThat(c.root().runs().as()).isEqualTo("runuser");
        assertThat(c.root().runs().uid()).isEqualTo(900);
        assertThat(c.root().base()).isEmpty();
    }

    @Test
    void rootUidZeroReallySetsZero() {
        assertThat(decode("version: v4\nlives: {uid: 0}\n").root().lives().uid()).isZero();
    }

    @Test
    void unknownKeyNamesItsPathAndLine() {
        assertThatThrownBy(() -> decode("version: v4\nvariants:\n  hello:\n    base: debian\n    newphone: x\n"))
                .isInstanceOfSatisfying(BlubberError.class, e -> {
                    assertThat(e.problem()).isEqualTo("variants.hello.newphone: unknown field \"newphone\"");
                    assertThat(e.line()).isEqualTo(5);
                    assertThat(e.exitCode()).isEqualTo(2);
                });
    }

    @Test
    void includesAndCopiesAreRejectedAtTheRoot() {
        assertThatThrownBy(() -> decode("version: v4\nincludes: [a]\n")).hasMessageContaining("includes: unknown field \"includes\"");
        assertThatThrownBy(() -> decode("version: v4\ncopies: [a]\n")).hasMessageContaining("copies: unknown field \"copies\"");
    }

    @Test
    void nestedUnknownKeys() {
        assertThatThrownBy(() -> decode("version: v4\nruns: {environmnet: {}}\n")).hasMessageContaining("runs.environmnet: unknown field");
        assertThatThrownBy(() -> decode("version: v4\npython: {poetry: {versoin: x}}\n")).hasMessageContaining("python.poetry.versoin: unknown field");
        assertThatThrownBy(() -> decode("version: v4\nvariants:\n  abc:\n    builders:\n      - rust: {}\n"))
                .hasMessageContaining("variants.abc.builders[0].rust: unknown field \"rust\"");
        assertThatThrownBy(() -> decode("version: v4\nvariants:\n  abc:\n    copies: [{from: local, to: x}]\n"))
                .hasMessageContaining("variants.abc.copies[0].to: unknown field");
    }

    @Test
    void versionIsCheckedBeforeUnknownKeys() {
        assertThatThrownBy(() -> decode("version: v3\nnewphone: 1\n"))
                .isInstanceOfSatisfying(BlubberError.class, e -> {
                    assertThat(e.problem()).isEqualTo("version: config version \"v3\" is unsupported");
                    assertThat(e.exitCode()).isEqualTo(4);
                });
        assertThatThrownBy(() -> decode("variants: {}\n")).hasMessageContaining("version: is required");
    }

    @Test
    void typeErrors() {
        assertThatThrownBy(() -> decode("version: v4\nruns: {environment: {A: 1}}\n"))
                .hasMessageContaining("runs.environment.A: cannot unmarshal number into a value of type string");
        assertThatThrownBy(() -> decode("version: v4\narguments: {A: true}\n")).hasMessageContaining("cannot unmarshal bool");
        assertThatThrownBy(() -> decode("version: v4\nlives: {uid: abc}\n")).hasMessageContaining("lives.uid: cannot unmarshal string");
        assertThatThrownBy(() -> decode("version: v4\nruns: {insecurely: 1}\n")).hasMessageContaining("runs.insecurely: cannot unmarshal number");
        assertThatThrownBy(() -> decode("version: v4\nentrypoint: ./x\n")).hasMessageContaining("entrypoint: cannot unmarshal string into a value of type array");
    }

    @Test
    void yaml11BooleansAndEmptyCommand() {
        assertThat(decode("version: v4\nruns: {insecurely: yes}\n").root().runs().insecurely()).isTrue();
        assertThatThrownBy(() -> decode("version: v4\nbuilder: {command: \"\"}\n")).hasMessageContaining("builder.command: command must not be an empty string");
    }

    @Test
    void builderEntriesNeedExactlyOneKey() {
        assertThatThrownBy(() -> decode("version: v4\nbuilders: [{}]\n")).hasMessageContaining("builders[0]: each builders entry must have exactly one");
        assertThatThrownBy(() -> decode("version: v4\nbuilders: [{node: {}, php: {}}]\n")).hasMessageContaining("exactly one");
    }

    @Test
    void nullBaseMeansScratchAndAbsentBooleansAreUnset() {
        BlubberConfig c = decode("version: v4\nvariants:\n  abc:\n    base: ~\n    node: {}\n");
        assertThat(c.variants().get("abc").common().base()).isEmpty();
        assertThat(c.variants().get("abc").common().node().useNpmCi()).isNull();
        assertThat(c.variants().get("abc").common().node().requirements()).isNull();
    }

    @Test
    void syntaxErrorsAreReadErrorsWithALine() {
        assertThatThrownBy(() -> decode("version: v4\nvariants: [\n"))
                .isInstanceOfSatisfying(BlubberError.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(2);
                    assertThat(e.line()).isPositive();
                });
    }
}
