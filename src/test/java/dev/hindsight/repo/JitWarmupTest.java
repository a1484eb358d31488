package dev.hindsight.repo;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;

class JitWarmupTest {
    @Test
    void sealsAndOpensEveryFrameItWarmsUpOn() {
        // run() checks each frame it opens against what it sealed, and throws on the first that differs
        assertThatCode(JitWarmup::run).doesNotThrowAnyException();
    }
}
