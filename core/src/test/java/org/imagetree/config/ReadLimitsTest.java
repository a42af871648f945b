package org.imagetree.config;

import org.imagetree.InputError;
import org.imagetree.registry.RegistryClient;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The limits on what is read from outside: named config keys, sizes and durations with units, errors at their line. */
class ReadLimitsTest {
    @Test
    void defaultsAndValuesWithUnits(@TempDir Path dir) throws Exception {
        assertThat(ReadLimits.of(ConfigLoader.fromMap(Map.of()))).isEqualTo(ReadLimits.DEFAULTS);
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, "registry: r.example\nmax_layer_bytes: 2GiB\nmax_status_bytes: 64M\nmax_manifest_bytes: 1048576\n"
                + "max_pods_bytes: 512MiB\nrequest_timeout: 90s\ndownload_timeout: 30m\n");
        EngineConfig c = ConfigLoader.load(Optional.of(config), Map.of());
        assertThat(c.warnings()).isEmpty();
        ReadLimits l = ReadLimits.of(c);
        assertThat(l.layerBytes()).isEqualTo(2L << 30);
        assertThat(l.statusBytes()).isEqualTo(64L << 20);
        assertThat(l.manifestBytes()).isEqualTo(1L << 20);
        assertThat(l.podsBytes()).isEqualTo(512L << 20);
        assertThat(l.requestTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(l.downloadTimeout()).isEqualTo(Duration.ofMinutes(30));
        // The registry client takes them from the config.
        assertThat(RegistryClient.builder(c).build().options().readLimits()).isEqualTo(l);
    }

    @Test
    void aBadValueIsAnErrorNamingTheKeyAtItsLine(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "registry: r.example\n\nmax_layer_bytes: lots\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(bad), Map.of())).isInstanceOf(InputError.class)
                .hasMessage(bad + ":3: max_layer_bytes: must be a size such as 512MiB (units B, KiB, MiB, GiB, TiB), not 'lots'");
        Files.writeString(bad, "request_timeout: 0\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(bad), Map.of())).hasMessageContaining(":1: request_timeout: must be a positive");
        Files.writeString(bad, "max_pods_bytes: 99999999999999TiB\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(bad), Map.of())).hasMessageContaining("max_pods_bytes: '99999999999999TiB' is too large");
    }

    @Test
    void messagesSayTheLimitAndItsKey() {
        assertThat(ReadLimits.exceeded(4L << 20, ReadLimits.MANIFEST_BYTES)).startsWith("more than 4 MiB (max_manifest_bytes;");
        assertThat(ReadLimits.tookLonger(Duration.ofMinutes(10), ReadLimits.DOWNLOAD_TIMEOUT)).startsWith("took longer than 10 min (download_timeout;");
        assertThat(ReadLimits.size(1536)).isEqualTo("1.5 KiB");
        assertThat(ReadLimits.size(700)).isEqualTo("700 bytes");
    }

    /**
     * docs/security-updates.md's table of limits is the contract (issue 25: "lists the limits and how to change them"):
     * one row per key, and each default it gives, read as the config would read it, is the default the code applies.
     */
    @Test
    void theDocsTableListsEveryKeyWithTheDefaultTheCodeApplies() throws Exception {
        String doc = Files.readString(TestEnvironment.repo().resolve("docs/security-updates.md"));
        Map<String, String> rows = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^\\| `([a-z_]+)` \\| `([^`]+)` \\|").matcher(doc);
        while (m.find()) rows.put(m.group(1), m.group(2));
        assertThat(rows.keySet()).as("the keys the docs table lists").containsExactlyElementsOf(ReadLimits.KEYS);
        for (Map.Entry<String, String> row : rows.entrySet()) {
            ReadLimits read = ReadLimits.of(ConfigLoader.fromMap(Map.of(row.getKey(), row.getValue())));
            assertThat(read).as("%s: %s as documented", row.getKey(), row.getValue()).isEqualTo(ReadLimits.DEFAULTS);
        }
        assertThat(doc).as("how to change them").contains("Set them in the config file like any other key");
    }
}
