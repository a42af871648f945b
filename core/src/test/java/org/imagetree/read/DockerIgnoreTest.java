package org.imagetree.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.imagetree.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Cases from moby/patternmatcher patternmatcher_test.go (TestMatches, multi-pattern tests, TestMatch). */
class DockerIgnoreTest {

    static Stream<Arguments> singlePattern() {
        return Stream.of(
                Arguments.of("**", "file", true), Arguments.of("**", "file/", true),
                Arguments.of("**/", "file", true), Arguments.of("**/", "file/", true),
                Arguments.of("**", "/", true), Arguments.of("**/", "/", true),
                Arguments.of("**", "dir/file", true), Arguments.of("**/", "dir/file", true),
                Arguments.of("**", "dir/file/", true), Arguments.of("**/", "dir/file/", true),
                Arguments.of("**/**", "dir/file", true), Arguments.of("**/**", "dir/file/", true),
                Arguments.of("dir/**", "dir/file", true), Arguments.of("dir/**", "dir/file/", true),
                Arguments.of("dir/**", "dir/dir2/file", true), Arguments.of("dir/**", "dir/dir2/file/", true),
                Arguments.of("**/dir", "dir", true), Arguments.of("**/dir", "dir/file", true),
                Arguments.of("**/dir2/*", "dir/dir2/file", true), Arguments.of("**/dir2/*", "dir/dir2/file/", true),
                Arguments.of("**/dir2/**", "dir/dir2/dir3/file", true),
                Arguments.of("**/dir2/**", "dir/dir2/dir3/file/", true),
                Arguments.of("**file", "file", true), Arguments.of("**file", "dir/file", true),
                Arguments.of("**/file", "dir/file", true), Arguments.of("**file", "dir/dir/file", true),
                Arguments.of("**/file", "dir/dir/file", true), Arguments.of("**/file*", "dir/dir/file", true),
                Arguments.of("**/file*", "dir/dir/file.txt", true), Arguments.of("**/file*txt", "dir/dir/file.txt", true),
                Arguments.of("**/file*.txt", "dir/dir/file.txt", true),
                Arguments.of("**/file*.txt*", "dir/dir/file.txt", true),
                Arguments.of("**/**/*.txt", "dir/dir/file.txt", true),
                Arguments.of("**/**/*.txt2", "dir/dir/file.txt", false),
                Arguments.of("**/*.txt", "file.txt", true), Arguments.of("**/**/*.txt", "file.txt", true),
                Arguments.of("a**/*.txt", "a/file.txt", true), Arguments.of("a**/*.txt", "a/dir/file.txt", true),
                Arguments.of("a**/*.txt", "a/dir/dir/file.txt", true), Arguments.of("a/*.txt", "a/dir/file.txt", false),
                Arguments.of("a/*.txt", "a/file.txt", true), Arguments.of("a/*.txt**", "a/file.txt", true),
                Arguments.of("a[b-d]e", "ae", false), Arguments.of("a[b-d]e", "ace", true),
                Arguments.of("a[b-d]e", "aae", false), Arguments.of("a[^b-d]e", "aze", true),
                Arguments.of(".*", ".foo", true), Arguments.of(".*", "foo", false),
                Arguments.of("abc.def", "abcdef", false), Arguments.of("abc.def", "abc.def", true),
                Arguments.of("abc.def", "abcZdef", false), Arguments.of("abc?def", "abcZdef", true),
                Arguments.of("abc?def", "abcdef", false),
                Arguments.of("**/foo/bar", "foo/bar", true), Arguments.of("**/foo/bar", "dir/foo/bar", true),
                Arguments.of("**/foo/bar", "dir/dir2/foo/bar", true),
                Arguments.of("abc/**", "abc", false), Arguments.of("abc/**", "abc/def", true),
                Arguments.of("abc/**", "abc/def/ghi", true),
                Arguments.of("**/.foo", ".foo", true), Arguments.of("**/.foo", "bar.foo", false),
                Arguments.of("a(b)c/def", "a(b)c/def", true), Arguments.of("a(b)c/def", "a(b)c/xyz", false),
                Arguments.of("a.|)$(}+{bc", "a.|)$(}+{bc", true),
                Arguments.of("dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
                        "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", true),
                Arguments.of("dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", true),
                Arguments.of("a\\\\", "a\\", true), Arguments.of("a\\*b", "a*b", true),
                // TestMatch (go filepath.Match cases)
                Arguments.of("abc", "abc", true), Arguments.of("*", "abc", true), Arguments.of("*c", "abc", true),
                Arguments.of("a*", "a", true), Arguments.of("a*", "abc", true), Arguments.of("a*", "ab/c", true),
                Arguments.of("a*/b", "abc/b", true), Arguments.of("a*/b", "a/c/b", false),
                Arguments.of("a*b*c*d*e*/f", "axbxcxdxe/f", true), Arguments.of("a*b*c*d*e*/f", "axbxcxdxexxx/f", true),
                Arguments.of("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false),
                Arguments.of("a*b*c*d*e*/f", "axbxcxdxexxx/fff", false),
                Arguments.of("a*b?c*x", "abxbbxdbxebxczzx", true), Arguments.of("a*b?c*x", "abxbbxdbxebxczzy", false),
                Arguments.of("ab[c]", "abc", true), Arguments.of("ab[b-d]", "abc", true), Arguments.of("ab[e-g]", "abc", false),
                Arguments.of("ab[^c]", "abc", false), Arguments.of("ab[^b-d]", "abc", false), Arguments.of("ab[^e-g]", "abc", true),
                Arguments.of("a\\*b", "ab", false), Arguments.of("a?b", "a☺b", true), Arguments.of("a[^a]b", "a☺b", true),
                Arguments.of("a???b", "a☺b", false), Arguments.of("a[^a][^a][^a]b", "a☺b", false),
                Arguments.of("[a-ζ]*", "α", true), Arguments.of("*[a-ζ]", "A", false),
                Arguments.of("a?b", "a/b", false), Arguments.of("a*b", "a/b", false),
                Arguments.of("[\\]a]", "]", true), Arguments.of("[\\-]", "-", true), Arguments.of("[x\\-]", "x", true),
                Arguments.of("[x\\-]", "-", true), Arguments.of("[x\\-]", "z", false), Arguments.of("[\\-x]", "x", true),
                Arguments.of("[\\-x]", "-", true), Arguments.of("[\\-x]", "a", false), Arguments.of("*x", "xxx", true),
                // a pattern matching a directory excludes everything under it
                Arguments.of("docs", "docs/README.md", true), Arguments.of("docs/", "docs/sub/x", true),
                Arguments.of("/docs", "docs/x", false), // only ReadAll strips the leading "/" (see readsFileLikeDockerCli)
                Arguments.of("./docs/../test", "test/x", true),
                Arguments.of("test", "mytest", false), Arguments.of("*", ".", false));
    }

    @ParameterizedTest(name = "{0} ~ {1} -> {2}")
    @MethodSource("singlePattern")
    void matchesOrParentMatches(String pattern, String path, boolean excluded) {
        assertThat(DockerIgnore.of(List.of(pattern)).excluded(path)).isEqualTo(excluded);
    }

    static Stream<Arguments> multiPattern() {
        return Stream.of(
                Arguments.of(List.of("**", "!util/docker/web"), "util/docker/web/foo", false),
                Arguments.of(List.of("**", "!util/docker/web", "util/docker/web/foo"), "util/docker/web/foo", true),
                Arguments.of(List.of("**", "!dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl"),
                        "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", false),
                Arguments.of(List.of("**", "!dist/*.whl"), "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", false),
                Arguments.of(List.of("!fileutils.go", "*.go"), "fileutils.go", true),
                Arguments.of(List.of("docs", "!docs/README.md"), "docs/README.md", false),
                Arguments.of(List.of("docs/", "!docs/README.md"), "docs/README.md", false),
                Arguments.of(List.of("docs/*", "!docs/README.md"), "docs/README.md", false),
                Arguments.of(List.of("*.go", "!fileutils.go"), "fileutils.go", false),
                Arguments.of(List.of("docs", "  !docs/README.md  "), "docs/README.md", false),
                Arguments.of(List.of("docs", "!docs/README.md"), "docs/other.md", true),
                Arguments.of(List.of("**/*.log", "!keep/**"), "keep/a/b.log", false),
                Arguments.of(List.of("**/*.log", "!keep/**"), "other/b.log", true));
    }

    @ParameterizedTest(name = "{0} ~ {1} -> {2}")
    @MethodSource("multiPattern")
    void lastMatchingPatternWins(List<String> patterns, String path, boolean excluded) {
        assertThat(DockerIgnore.of(patterns).excluded(path)).isEqualTo(excluded);
    }

    @ParameterizedTest
    @MethodSource("badPatterns")
    void malformedPatternsAreErrors(String pattern) {
        assertThatThrownBy(() -> DockerIgnore.of(List.of(pattern))).isInstanceOf(InputError.class);
    }

    static Stream<String> badPatterns() {
        return Stream.of("[]a]", "[-]", "[x-]", "[-x]", "\\", "[a-b-c]", "[", "[^", "[^bc", "a[", "!");
    }

    @Test
    void readsFileLikeDockerCli() {
        Path file = Path.of("img/.dockerignore");
        DockerIgnore ignore = DockerIgnore.parse(file, "\uFEFF# comment\n\n  test  \n  # not a comment\n"
                + "/abs/path\n! keep.txt\n./a/../b\n");
        assertThat(ignore.rules()).extracting(r -> (r.exception() ? "!" : "") + r.pattern())
                .containsExactly("test", "# not a comment", "abs/path", "!keep.txt", "b");
        assertThat(ignore.rules()).extracting(DockerIgnore.Rule::line).containsExactly(3, 4, 5, 6, 7);
        assertThat(ignore.excluded("test/x")).isTrue();
        assertThat(ignore.excluded("abs/path")).isTrue();
        assertThat(ignore.excluded("keep.txt")).isFalse();
        assertThat(ignore.hasExceptions()).isTrue();
    }

    @Test
    void errorsNameFileAndLine() {
        Path file = Path.of("img/.dockerignore");
        assertThatThrownBy(() -> DockerIgnore.parse(file, "ok\n\n!\n")).isInstanceOf(InputError.class)
                .hasMessage("img/.dockerignore:3: illegal exclusion pattern: \"!\"");
        assertThatThrownBy(() -> DockerIgnore.parse(file, "a[\n")).isInstanceOf(InputError.class)
                .hasMessage("img/.dockerignore:1: invalid pattern 'a[': malformed character class");
    }

    @Test
    void tellsWhetherAnExcludedDirectoryMustStillBeWalked() {
        DockerIgnore docs = DockerIgnore.of(List.of("vendor", "docs", "!docs/k*/*.md"));
        assertThat(docs.mayReincludeUnder("docs")).isTrue();
        assertThat(docs.mayReincludeUnder("docs/keep")).isTrue();
        assertThat(docs.mayReincludeUnder("docs/other")).isFalse();
        assertThat(docs.mayReincludeUnder("vendor")).isFalse();
        DockerIgnore anywhere = DockerIgnore.of(List.of("vendor", "!**/important"));
        assertThat(anywhere.mayReincludeUnder("vendor")).isTrue(); // "**" could match anywhere
        assertThat(DockerIgnore.of(List.of("a", "!a")).mayReincludeUnder("a/b")).isTrue();
    }

    @Test
    void cleanPathIsGoFilepathClean() {
        assertThat(DockerIgnore.cleanPath("")).isEqualTo(".");
        assertThat(DockerIgnore.cleanPath("a//b/./c/..")).isEqualTo("a/b");
        assertThat(DockerIgnore.cleanPath("/../a")).isEqualTo("/a");
        assertThat(DockerIgnore.cleanPath("../../a/")).isEqualTo("../../a");
        assertThat(DockerIgnore.cleanPath("a/..")).isEqualTo(".");
    }
}
