package org.imagetree.blubber.acceptance;

import org.imagetree.blubber.compile.BlubberCompiler;
import org.imagetree.blubber.compile.CompileOptions;
import org.imagetree.blubber.compile.CompiledDockerfile;
import org.imagetree.blubber.config.ConfigDecoder;
import org.imagetree.execute.DockerCli;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Python builder against the real engine without PyPI: the requirement is a wheel in a local directory,
 * copied in by a custom builder that runs first (PIP_NO_INDEX + PIP_FIND_LINKS through runs.environment); pip, setuptools, wheel and tox come from Debian
 * packages through use-system-site-packages, so "pip install -U" finds them already satisfied.
 */
@Tag("docker")
class PythonBuilderLocalWheelTest {
    private static final String CONFIG = """
            version: v4
            variants:
              hello:
                base: debian:bookworm
                apt:
                  packages: [python3-venv, python3-wheel, tox]
                runs:
                  environment:
                    PIP_NO_INDEX: "1"
                    PIP_FIND_LINKS: /srv/app/wheels
                builders:
                  - custom:
                      requirements: [wheels/]
                      command: [ls, wheels]
                  - python:
                      version: python3
                      requirements: [requirements.txt]
                      use-system-site-packages: true
                copies: [local]
                entrypoint: [python3, hello.py]
            """;

    @Test
    void installsRequirementsFromALocalWheelIntoTheVenv() throws Exception {
        Path repo = Path.of(System.getProperty("imagetree.repo", ".")).toAbsolutePath();
        DockerCli docker = DockerCli.locateWithBuildKit(System.getenv());
        assertThat(new BaseImages(docker, repo).ensure("debian:bookworm")).isTrue();
        Path context = Files.createTempDirectory("blubber-python");
        String tag = "imagetree-blubber-test/python-local-wheel:latest";
        try {
            Files.writeString(context.resolve("blubber.yaml"), CONFIG);
            Files.writeString(context.resolve("requirements.txt"), "hello-lib==1.0\n");
            Files.writeString(context.resolve("hello.py"), "import sys, hello_lib\nprint(hello_lib.GREETING, sys.prefix)\n");
            Files.createDirectories(context.resolve("wheels"));
            writeWheel(context.resolve("wheels/hello_lib-1.0-py3-none-any.whl"));
            CompiledDockerfile df = BlubberCompiler.compile(ConfigDecoder.readAndValidate(context.resolve("blubber.yaml")),
                    "hello", null, CompileOptions.defaults());
            docker.build(new DockerCli.BuildRequest(context, df.text(), List.of(tag), Map.of(), Map.of(), df.buildKit(), "", false),
                    line -> { });
            DockerCli.Result run = docker.run(tag, List.of(), Map.of());
            assertThat(run.exitCode()).as(run.output()).isZero();
            assertThat(run.output()).contains("Hello from a local wheel /opt/lib/venv");
            assertThat(docker.inspect(tag, "{{json .Config.Env}}")).contains("VIRTUAL_ENV=/opt/lib/venv");
        } finally {
            docker.removeImage(tag);
            ImageFiles.deleteTree(context);
        }
    }

    /** A minimal pure-Python wheel: one module and its dist-info. */
    private static void writeWheel(Path file) throws IOException {
        Map<String, String> entries = Map.of(
                "hello_lib/__init__.py", "GREETING = 'Hello from a local wheel'\n",
                "hello_lib-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: hello-lib\nVersion: 1.0\n",
                "hello_lib-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nGenerator: imagetree-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
                "hello_lib-1.0.dist-info/RECORD", "hello_lib/__init__.py,,\nhello_lib-1.0.dist-info/METADATA,,\n"
                        + "hello_lib-1.0.dist-info/WHEEL,,\nhello_lib-1.0.dist-info/RECORD,,\n");
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (var e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
    }
}
