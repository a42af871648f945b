package org.imagetree.registry;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryPolicyTest {
    @Test
    void retryDelaysGrowAreCappedAndHonourRetryAfterUpToItsCap() {
        RetryPolicy p = new RetryPolicy(4, Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(30));

        assertThat(p.delayAfter(1, null)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
        assertThat(p.delayAfter(3, null)).isBetween(Duration.ofMillis(400), Duration.ofMillis(800));
        assertThat(p.delayAfter(40, null)).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(5));
        assertThat(p.delayAfter(1, Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.delayAfter(1, Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
