package org.imagetree.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class GlobTest {
    @ParameterizedTest
    @CsvSource({
            "'*python3:*', docker-registry.wikimedia.org/python3:0.1, true",
            "'*python3:*', docker-registry.wikimedia.org/python3-bookworm:0.1, false",
            "'*httpd:*', docker-registry.wikimedia.org/mediawiki-httpd:1.0, true",
            "'*/ns/*', localhost:5000/ns/app:1, true",
            "'*app:1.?', localhost:5000/app:1.2, true",
            "'*app:1.?', localhost:5000/app:1.23, false",
            "'*[abc]pp:*', reg/app:1, true",
            "'*[!abc]pp:*', reg/app:1, false",
            "'reg/app:[0-9]*', reg/app:10, true",
            "'a.b', axb, false",
            "'[', '[', true",
            "'*(x)*', reg/(x):1, true",
    })
    void matchesLikePythonFnmatch(String pattern, String label, boolean expected) {
        assertThat(new Glob(pattern).matches(label)).isEqualTo(expected);
    }
}
