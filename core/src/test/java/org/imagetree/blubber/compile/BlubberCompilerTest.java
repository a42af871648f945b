package org.imagetree.blubber.compile;

import org.imagetree.blubber.config.BlubberError;
import org.imagetree.blubber.config.ConfigDecoder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BlubberCompilerTest {
    private static final CompileOptions CLASSIC = CompileOptions.defaults().withFlavour(CompileOptions.Flavour.CLASSIC);

    private static String compile(String variantBody, CompileOptions options) {
        String yaml = "version: v4\nvariants:\n  other:\n    base: debian:bookworm\n    runs: {in: /out}\n  abc:\n" + variantBody.indent(4);
        return BlubberCompiler.compile(ConfigDecoder.decode("blubber.yaml", yaml), "abc", options);
    }

    private static String compile(String variantBody) { return compile(variantBody, CLASSIC); }

    private static String decodeFile(String text, String path) {
        int i = text.indexOf("> \"" + path + "\"");
        String before = text.substring(0, i);
        String b64 = before.substring(before.lastIndexOf("echo '") + 6, before.lastIndexOf("' | base64 -d"));
        return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    }

    @Test
    void scratchVariantHasNoUsersAndNoChown() {
        String text = compile("copies: [{from: other, source: ./bin, destination: /bin}]\nentrypoint: [/bin]");
        assertThat(text).endsWith("FROM scratch AS abc\nCOPY --from=other [\"/out/bin\", \"/bin\"]\nENTRYPOINT [\"/bin\"]\n\n"
                + "LABEL blubber.variant=\"abc\" blubber.version=\"0.1.0+imagetree\"\n");
        assertThat(text).startsWith("FROM debian:bookworm AS other\n");
    }

    @Test
    void copyFromVariantWithoutSourceCopiesAppDirAndLib() {
        String text = compile("base: debian:bookworm\ncopies: [other]");
        assertThat(text).contains("COPY --chown=$LIVES_UID:$LIVES_GID --from=other [\"/srv/app\", \"/srv/app\"]\n"
                + "COPY --chown=$LIVES_UID:$LIVES_GID --from=other [\"/opt/lib\", \"/opt/lib\"]\n");
    }

    @Test
    void argumentsAptWithReleasesSourcesKeysAndProxies() {
        String text = compile("""
                base: debian:bookworm
                arguments: {ZED: z, ALPHA: "a b"}
                apt:
                  packages: {default: [gcc], bookworm-backports: [curl]}
                  sources: [{url: "https://apt.example.org/debian", distribution: bookworm, components: [main], signed-by: "KEY\\n"}]
                  proxies: ["http://proxy:8080", {url: "http://p2:3128", source: "https://apt.example.org"}]
                """);
        assertThat(text).contains("ENV HOME=\"/root\"\nARG ALPHA=\"a b\"\nARG ZED=\"z\"\nENV DEBIAN_FRONTEND=\"noninteractive\"\n");
        assertThat(decodeFile(text, "/etc/apt/apt.conf.d/99blubber-proxies"))
                .isEqualTo("Acquire::http::Proxy \"http://proxy:8080\";\nAcquire::https::Proxy::apt.example.org \"http://p2:3128\";\n");
        String key = "/etc/apt/keyrings/" + StageCompiler.sha256("KEY\n") + ".asc";
        assertThat(decodeFile(text, key)).isEqualTo("KEY\n");
        assertThat(text).contains("RUN apt-get update && apt-get install -y \"ca-certificates\"\n");
        assertThat(decodeFile(text, "/etc/apt/sources.list.d/99blubber.list"))
                .isEqualTo("deb [signed-by=" + key + "] https://apt.example.org/debian bookworm main\n");
        assertThat(text).contains("RUN apt-get update && apt-get install -y -t \"bookworm-backports\" \"curl\" && apt-get install -y \"gcc\""
                + " && rm -rf /var/lib/apt/lists/* && rm -f \"/etc/apt/apt.conf.d/99blubber-proxies\"\n");
    }

    @Test
    void runsEnvironmentInsecurelyAndRunsIn() {
        String text = compile("base: debian:bookworm\nruns: {environment: {BB: \"2\", AA: \"1\"}, insecurely: true, in: /work}\nentrypoint: [a, b]");
        assertThat(text).contains("WORKDIR \"/srv/app\"\nENV AA=\"1\" BB=\"2\"\n");
        assertThat(text).doesNotContain("USER $RUNS_UID");
        assertThat(text).contains("WORKDIR \"/work\"\nENTRYPOINT [\"a\", \"b\"]\n");
    }

    /** Blubber's effective destination: a file copied to "." is installed from its own name, not from ".". */
    @Test
    void pythonRequirementCopiedToTheWorkingDirectoryInstallsByItsName() {
        String text = compile("base: debian:bookworm\npython: {version: python3, requirements: [{from: local, source: requirements.txt, destination: .}]}");
        assertThat(text).contains("\"-r\" \"requirements.txt\"").doesNotContain("\"-r\" \".\"");
    }

    @Test
    void emptyEntrypointEmitsNone() {
        assertThat(compile("base: debian:bookworm\nentrypoint: []")).doesNotContain("ENTRYPOINT");
    }

    @Test
    void nodeProductionWithDedupeFailureAllowed() {
        String text = compile("base: debian:bookworm\nnode: {requirements: [package.json], env: production, use-npm-ci: true, allow-dedupe-failure: true}");
        assertThat(text).contains("COPY --chown=$LIVES_UID:$LIVES_GID [\"package.json\", \"./\"]\nRUN npm ci \"--only=production\"\n"
                + "RUN npm dedupe || echo \"WARNING: npm dedupe failed, continuing anyways\"\n");
        assertThat(text).contains("ENV HOME=\"/home/$RUNS_AS\"\nENV NODE_ENV=\"production\"\n");
    }

    @Test
    void phpProduction() {
        assertThat(compile("base: debian:bookworm\nphp: {requirements: [composer.json], production: true}"))
                .contains("RUN composer install \"--no-scripts\" \"--no-dev\"\n");
    }

    @Test
    void pythonVersionsVenvAndSystemSitePackages() {
        String text = compile("""
                base: debian:bookworm
                python: {version: python3, requirements: [], use-system-site-packages: true, venv: /v,
                         pip-version: "~=26.0", setuptools-version: "81.0", tox-version: "4.49.1", wheel-version: "~=0.46.3"}
                """);
        assertThat(text).contains("RUN python3 \"-m\" \"venv\" \"/v\" \"--system-site-packages\"\n"
                + "ENV PATH=\"/v/bin:$PATH\" VIRTUAL_ENV=\"/v\"\n"
                + "RUN python3 \"-m\" \"pip\" \"install\" \"-U\" \"setuptools==81.0\" && python3 \"-m\" \"pip\" \"install\" \"-U\" "
                + "\"wheel~=0.46.3\" \"tox==4.49.1\" \"pip~=26.0\"\n");
        assertThat(text).doesNotContain("\"-r\"");
    }

    @Test
    void pythonWithoutRequirementsEmitsNothingAndPython2PinsPip() {
        assertThat(compile("base: debian:bookworm\npython: {version: python3}")).doesNotContain("venv");
        assertThat(compile("base: debian:bookworm\npython: {version: python2.7, requirements: []}")).contains("\"pip<21\"");
    }

    @Test
    void poetryTwoOnlyAndWithout() {
        assertThat(compile("base: debian:bookworm\npython: {version: python3, requirements: [pyproject.toml], poetry: {version: ==2.0.1, only: main, without: dev}}"))
                .contains("RUN poetry \"install\" \"--no-root\" \"--only\" \"main\" \"--without\" \"dev\"\n");
    }

    @Test
    void customCommandsArgvAndStringAndNewlineGuard() {
        assertThat(compile("base: debian:bookworm\nbuilder: {command: [make, \"a b\"]}")).contains("RUN make \"a b\"\n");
        assertThat(compile("base: debian:bookworm\nbuilder: {command: \"date +%Y && make\"}")).contains("RUN date +%Y && make\n");
        assertThat(compile("base: debian:bookworm\nbuilder: {command: \"/bin/true\\nRUN echo HACKED!\"}"))
                .contains("RUN /bin/true\\nRUN echo HACKED!\n").doesNotContain("\nRUN echo HACKED");
    }

    @Test
    void scriptRunsFromATemporaryFileAndKeepsItsExitStatus() {
        String text = compile("base: debian:bookworm\nbuilder: {script: \"echo hi\"}");
        String line = text.lines().filter(l -> l.contains("blubber-script")).findFirst().orElseThrow();
        String b64 = line.substring(line.indexOf("echo '") + 6, line.indexOf("' | base64 -d"));
        assertThat(new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8)).isEqualTo("#!/bin/sh\necho hi");
        assertThat(line).contains("; rc=$?; rm -f /tmp/blubber-script-").endsWith("; exit $rc");
    }

    @Test
    void classicCachesAndMountsFallBack() {
        String text = compile("base: debian:bookworm\nbuilder: {command: [go, build], caches: [\"${GOCACHE}\"], mounts: [{from: other, source: dist, destination: ./dist}]}");
        assertThat(text).contains("USER 0\nRUN mkdir -p \"${GOCACHE}\" && chown \"$LIVES_UID\":\"$LIVES_GID\" \"${GOCACHE}\"\nUSER $LIVES_UID\n"
                + "COPY --chown=$LIVES_UID:$LIVES_GID --from=other [\"/out/dist\", \"./dist\"]\n"
                + "RUN go \"build\"; rc=$?; rm -rf \"./dist\"; exit $rc\n");
        assertThatThrownBy(() -> compile("base: debian:bookworm\nbuilder: {command: [x], mounts: [other]}"))
                .isInstanceOf(BlubberError.class).hasMessageContaining("needs BuildKit");
    }

    @Test
    void buildKitIsPickedAutomaticallyForCachesMountsAndExcludes() {
        String text = compile("base: debian:bookworm\nruns: {environment: {GOCACHE: /var/cache/go}}\n"
                + "builder: {command: [go], caches: [\"${GOCACHE}\", {destination: /x, id: xid, access: private}], mounts: [other, local]}",
                CompileOptions.defaults());
        assertThat(text).contains("RUN --mount=type=bind,from=other,source=/out,target=/srv/app,rw --mount=type=bind,source=.,target=/srv/app,rw "
                + "--mount=type=cache,target=/var/cache/go,id=/var/cache/go,sharing=shared,uid=65533,gid=65533 "
                + "--mount=type=cache,target=/x,id=xid,sharing=private,uid=65533,gid=65533 go\n");
    }

    @Test
    void excludesAreDeletedAfterTheCopyOrUseLabsSyntax() {
        String text = compile("base: debian:bookworm\ncopies: [{from: local, exclude: [\"*.md\", \"/docs\", \"**/*.tmp\"]}]");
        assertThat(text).contains("COPY --chown=$LIVES_UID:$LIVES_GID [\".\", \".\"]\n"
                + "RUN (cd \".\" && for p in *.md docs; do rm -rf -- \"$p\"; done && find . -path \"./*.tmp\" -prune -exec rm -rf {} +)\n");
        String labs = compile("base: debian:bookworm\ncopies: [{from: local, exclude: [\"*.md\"]}]",
                new CompileOptions("", CompileOptions.Flavour.BUILDKIT, "docker/dockerfile:1.7-labs"));
        assertThat(labs).startsWith("# syntax=docker/dockerfile:1.7-labs\n")
                .contains("COPY --chown=$LIVES_UID:$LIVES_GID --exclude=*.md [\".\", \".\"]\n");
        assertThatThrownBy(() -> compile("base: debian:bookworm\ncopies: [{from: local, exclude: [\"!keep\"]}]"))
                .hasMessageContaining("negated exclude pattern");
    }

    @Test
    void customLivesAndRunsUsers() {
        String yaml = "version: v4\nlives: {in: /usr/local/app, as: appowner, uid: 1234, gid: 1235}\nruns: {as: apprunner, uid: 4321, gid: 4320}\n"
                + "variants:\n  abc: {base: debian:bookworm}\n";
        String text = BlubberCompiler.compile(ConfigDecoder.decode("b", yaml), "abc", CLASSIC);
        assertThat(text).contains("ARG LIVES_AS=\"appowner\"\nARG LIVES_UID=1234\nARG LIVES_GID=1235\n")
                .contains("mkdir -p \"/usr/local/app\"").contains("ARG RUNS_AS=\"apprunner\"\nARG RUNS_UID=4321\nARG RUNS_GID=4320\n")
                .contains("ENV HOME=\"/home/appowner\"\nWORKDIR \"/usr/local/app\"\n");
    }

    @Test
    void copiesFromAnImageUseItsRootForRelativeSources() {
        String text = compile("base: debian:bookworm\ncopies: [\"docker-registry.example.org/tools:1\", {from: \"busybox:1\", source: bin/sh, destination: /bin/sh}]");
        assertThat(text).contains("COPY --chown=$LIVES_UID:$LIVES_GID --from=docker-registry.example.org/tools:1 [\"/srv/app\", \"/srv/app\"]\n"
                + "COPY --chown=$LIVES_UID:$LIVES_GID --from=docker-registry.example.org/tools:1 [\"/opt/lib\", \"/opt/lib\"]\n"
                + "COPY --chown=$LIVES_UID:$LIVES_GID --from=busybox:1 [\"/bin/sh\", \"/bin/sh\"]\n");
    }

    @Test
    void requirementsFromAnotherVariantAreAbsoluteInItsFinalWorkingDirectory() {
        String text = compile("base: debian:bookworm\nbuilder: {command: [make], requirements: [{from: other}, {from: other, source: a.txt}]}");
        assertThat(text).contains("COPY --chown=$LIVES_UID:$LIVES_GID --from=other [\"/out/\", \"/out/a.txt\", \"./\"]\n");
        assertThat(BlubberCompiler.stages(ConfigDecoder.decode("b", "version: v4\nvariants:\n  other: {}\n  abc: {builder: {requirements: [{from: other}]}}\n"), "abc"))
                .containsExactly("other", "abc");
    }

    @Test
    void classicLocalMountCopiesFromTheContext() {
        String text = compile("base: debian:bookworm\nbuilder: {command: [ls], mounts: [{from: local, source: assets, destination: /mnt/assets}]}");
        assertThat(text).contains("COPY --chown=$LIVES_UID:$LIVES_GID [\"assets\", \"/mnt/assets\"]\nRUN ls; rc=$?; rm -rf \"/mnt/assets\"; exit $rc\n");
    }

    @Test
    void quoting() {
        assertThat(Quoting.go("a\"b\\c\n\t\u0001é")).isEqualTo("\"a\\\"b\\\\c\\n\\t\\x01é\"");
        assertThat(Quoting.jsonArray(java.util.List.of("a\"", "b"))).isEqualTo("[\"a\\\"\", \"b\"]");
    }
}
