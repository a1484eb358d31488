package dev.hindsight.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

import java.util.function.Supplier;

/**
 * An operation's progress on a terminal, drawn by the progressbar library: one bar per step (a
 * finished step keeps its line), counted in the step's unit, with the speed where it is bytes.
 */
final class TerminalProgress implements AutoCloseable {
    private static final long MIB = 1L << 20;

    private final Supplier<ProgressBarConsumer> consumers;
    private ProgressBar bar;
    private String step;

    /** @param consumers where each step's bar is drawn (a terminal's stderr; a collector in tests) */
    TerminalProgress(Supplier<ProgressBarConsumer> consumers) {
        this.consumers = consumers;
    }

    void show(String newStep, long done, long total, String unit) {
        if (bar == null || !newStep.equals(step)) {
            finishStep();
            step = newStep;
            ProgressBarBuilder builder = new ProgressBarBuilder().setTaskName(newStep)
                    .setInitialMax(total > 0 ? total : -1).setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(200).setConsumer(consumers.get());
            if ("bytes".equals(unit)) {
                builder.setUnit(" MiB", MIB).showSpeed();
            } else {
                builder.hideEta();
            }
            bar = builder.build();
        }
        bar.maxHint(total > 0 ? total : -1);
        bar.stepTo(Math.max(0, done));
    }

    /** The operation ended: a success fills the last bar, a failure leaves it where it stopped. */
    void end(boolean succeeded) {
        if (bar != null && succeeded && !bar.isIndefinite()) {
            bar.stepTo(bar.getMax());
        }
        finishStep();
    }

    private void finishStep() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    @Override
    public void close() {
        finishStep();
    }
}
