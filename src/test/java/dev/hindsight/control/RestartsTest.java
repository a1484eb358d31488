package dev.hindsight.control;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RestartsTest {
    private final Restarts restarts = new Restarts();

    @Test
    void theSupervisorsCheckIsSkippedWhileAChangeHoldsTheServerAndRunsAfter() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> change = CompletableFuture.supplyAsync(() -> restarts.during("db1", () -> {
            holding.countDown();
            await(release);
            return "restarted";
        }));
        assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
        AtomicInteger checks = new AtomicInteger();

        assertThat(restarts.unlessRestarting("db1", checks::incrementAndGet)).isFalse();
        assertThat(restarts.unlessRestarting("db2", checks::incrementAndGet)).as("another server").isTrue();
        assertThat(checks).hasValue(1);

        release.countDown();
        assertThat(change.get(5, TimeUnit.SECONDS)).isEqualTo("restarted");
        assertThat(restarts.unlessRestarting("db1", checks::incrementAndGet)).isTrue();
        assertThat(checks).hasValue(2);
    }

    @Test
    void aChangeThatFailsReleasesTheServer() {
        assertThatThrownBy(() -> restarts.during("db1", () -> {
            throw new IllegalStateException("could not start");
        })).hasMessage("could not start");
        assertThat(restarts.unlessRestarting("db1", () -> { })).isTrue();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
