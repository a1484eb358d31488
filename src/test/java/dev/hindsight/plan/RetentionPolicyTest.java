package dev.hindsight.plan;

import dev.hindsight.util.HindsightException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetentionPolicyTest {
    @ParameterizedTest
    @ValueSource(ints = {0, 36, -1})
    void retentionOutOfRangeIsRefused(int days) {
        assertThatThrownBy(() -> new RetentionPolicy(days)).isInstanceOf(HindsightException.class)
                .hasMessageContaining("out of range").extracting(e -> ((HindsightException) e).hint())
                .asString().contains("between 1 and 35");
    }

    @ParameterizedTest
    @ValueSource(ints = {RetentionPolicy.MIN_DAYS, RetentionPolicy.DEFAULT_DAYS, RetentionPolicy.MAX_DAYS})
    void everyDayCountInTheRangeIsTaken(int days) {
        assertThat(new RetentionPolicy(days).retentionDays()).isEqualTo(days);
    }

    @Test
    void theDefaultIsAWeek() {
        assertThat(RetentionPolicy.DEFAULT_DAYS).isEqualTo(7);
    }
}
