package org.imagetree.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagetree.InputError;
import org.imagetree.model.ImageDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageScannerTest {
    private static final String REGISTRY = "docker-registry.wikimedia.org";
    @TempDir Path tmp;

    @Test
    void productionImagesGiveExactlyTheExpectedNamesTagsLabelsAndDependencies() throws IOException {
        Path images = TestFiles.productionImages();
        JsonNode expected = new ObjectMapper().readTree(
                TestFiles.shared().resolve("conformance/production-images.expected.json").toFile());
        Map<String, List<Object>> want = new TreeMap<>();
        expected.properties().forEach(e -> {
            List<String> deps = new ArrayList<>();
            e.getValue().get("depends").forEach(d -> deps.add(d.asText()));
            want.put(e.getKey(), List.of(e.getValue().get("name").asText(), e.getValue().get("tag").asText(),
                    e.getValue().get("label").asText(), deps));
        });

        ScanResult result = new ImageScanner().scan(images);

        Map<String, List<Object>> got = new TreeMap<>();
        for (ImageDefinition image : result.images()) {
            String key = images.relativize(image.directory()).toString();
            got.put(key, List.of(image.name(), image.version(), REGISTRY + "/" + image.name() + ":" + image.version(),
                    image.declaredDepends()));
        }
        assertThat(result.images()).hasSize(125);
        // depends keep docker-pkg's order (Build-Depends, then Depends), which is what the JSON records
        assertThat(got).isEqualTo(want);
        assertThat(result.warnings()).isEmpty();
        // walk order: depth first, siblings by name (so php/8.3/fpm comes before php/8.3-icu72)
        List<String> dirs = result.images().stream().map(i -> images.relativize(i.directory()).toString()).toList();
        assertThat(dirs).isSortedAccordingTo(ImageScannerTest::compareByComponents);
        assertThat(dirs.indexOf("php/8.3/fpm")).isLessThan(dirs.indexOf("php/8.3-icu72/cli"));
    }

    @Test
    void scanIsDeterministicWhateverThePoolSize() {
        Path images = TestFiles.productionImages();
        assertThat(new ImageScanner(1).scan(images)).isEqualTo(new ImageScanner(4).scan(images));
    }

    @Test
    void findsNestedImagesWarnsAboutHalfImagesAndDoesNotFollowSymlinkedDirectories() throws IOException {
        image(tmp.resolve("spark"), "spark3.5", "1.0", "Build-Depends: spark3.5-build\n");
        image(tmp.resolve("spark/build"), "spark3.5-build", "2.0-1", null);
        TestFiles.write(tmp.resolve("half/changelog"), changelog("half", "1"));
        TestFiles.write(tmp.resolve("other/Dockerfile.template"), "FROM x\n");
        Files.createSymbolicLink(tmp.resolve("link"), tmp.resolve("spark"));

        ScanResult result = new ImageScanner().scan(tmp);

        assertThat(result.images()).extracting(ImageDefinition::name).containsExactly("spark3.5", "spark3.5-build");
        assertThat(result.images().get(0).declaredDepends()).containsExactly("spark3.5-build");
        assertThat(result.images().get(1).declaredDepends()).isEmpty();
        assertThat(result.warnings()).containsExactly(
                tmp.resolve("half") + ": has changelog but no Dockerfile.template, not an image",
                tmp.resolve("other") + ": has Dockerfile.template but no changelog, not an image");
    }

    @Test
    void duplicateNamesNameBothDirectories() {
        image(tmp.resolve("a"), "same", "1", null);
        image(tmp.resolve("b"), "same", "2", null);
        assertThatThrownBy(() -> new ImageScanner().scan(tmp)).isInstanceOf(InputError.class)
                .hasMessage(tmp.resolve("b/changelog") + ":1: duplicate image name 'same': also defined in " + tmp.resolve("a"));
    }

    @Test
    void firstBrokenDefinitionInDirectoryOrderIsReported() {
        image(tmp.resolve("a"), "a", "1", "Depends: x | y\n");
        image(tmp.resolve("b"), "b", "1", "garbage\n");
        assertThatThrownBy(() -> new ImageScanner(2).scan(tmp)).isInstanceOf(InputError.class)
                .hasMessage(tmp.resolve("a/control") + ":2: alternatives are not supported in Depends: x | y");
    }

    @Test
    void missingRootIsAnInputError() {
        assertThatThrownBy(() -> new ImageScanner().scan(tmp.resolve("nope"))).isInstanceOf(InputError.class)
                .hasMessage(tmp.resolve("nope") + ": image directory not found");
    }

    private static int compareByComponents(String a, String b) {
        String[] x = a.split("/");
        String[] y = b.split("/");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = x[i].compareTo(y[i]);
            if (c != 0) return c;
        }
        return Integer.compare(x.length, y.length);
    }

    private static void image(Path dir, String name, String version, String control) {
        TestFiles.write(dir.resolve("Dockerfile.template"), "FROM scratch\n");
        TestFiles.write(dir.resolve("changelog"), changelog(name, version));
        if (control != null) TestFiles.write(dir.resolve("control"), "Package: " + name + "\n" + control);
    }

    private static String changelog(String name, String version) {
        return name + " (" + version + ") wikimedia; urgency=medium\n\n  * x\n\n -- A <a@b>  Mon, 03 Aug 2026 12:28:24 +0200\n";
    }
}
