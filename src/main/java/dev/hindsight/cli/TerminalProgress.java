package dev.hindsight.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An operation's progress on a terminal, drawn by the progressbar library: one bar per step (a
 * finished step keeps its line), counted in the step's unit, with the speed where it is bytes. A
 * step with no known amount of work (a checkpoint, waiting for the log) is a plain line: a bar
 * would only say "?".
 */
final class TerminalProgress implements AutoCloseable {
    private static final long MIB = 1L << 20;

    private final Supplier<ProgressBarConsumer> consumers;
    private final Consumer<String> lines;
    private ProgressBar bar;
    private String step;

    /**
     * @param consumers where each step's bar is drawn (a terminal's stderr; a collector in tests)
     * @param lines     where a step without a bar is written, as a line
     */
    TerminalProgress(Supplier<ProgressBarConsumer> consumers, Consumer<String> lines) {
        this.consumers = consumers;
        this.lines = lines;
    }

    void show(String newStep, long done, long total, String unit) {
        if (total <= 0) {
            if (!newStep.equals(step) || bar != null) {
                finishStep();
                step = newStep;
                lines.accept(newStep);
            }
            return;
        }
        if (bar == null || !newStep.equals(step)) {
            finishStep();
            step = newStep;
            ProgressBarBuilder builder = new ProgressBarBuilder().setTaskName(newStep)
                    .setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(200).setConsumer(consumers.get());
            if ("bytes".equals(unit)) {
                builder.setUnit(" MiB", MIB).showSpeed();
            } else {
                builder.hideEta();
            }
            bar = builder.build();
        }
        bar.maxHint(total);
        bar.stepTo(Math.max(0, done));
    }

    /** The operation ended: a success fills the last bar, a failure leaves it where it stopped. */
    void end(boolean succeeded) {
        if (bar != null && succeeded) {
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
