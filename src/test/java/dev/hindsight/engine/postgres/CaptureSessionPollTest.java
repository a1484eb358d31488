package dev.hindsight.engine.postgres;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CaptureSessionPollTest {
    @Test
    void anIdleStreamIsPolledLessOftenUpToTheQuietWait() {
        List<Long> waits = new ArrayList<>();
        long wait = CaptureSession.IDLE_POLL.toMillis();
        for (int i = 0; i < 6; i++) {
            waits.add(wait);
            wait = CaptureSession.nextPoll(wait);
        }
        assertThat(waits).containsExactly(50L, 100L, 200L, 250L, 250L, 250L);
        // a second of quiet reaches the quiet wait, so the first WAL after it is read at most that late
        assertThat(waits.subList(0, 3).stream().mapToLong(Long::longValue).sum()).isLessThan(1000);
    }
}
