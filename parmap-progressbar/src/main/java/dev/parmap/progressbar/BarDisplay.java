package dev.parmap.progressbar;

import dev.parmap.observe.CallObserver;
import dev.parmap.observe.CallStats;
import dev.parmap.observe.Progress;
import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.jspecify.annotations.Nullable;

/**
 * The library's progress bar for a terminal. The library renders it on its refresh thread five
 * times a second (continuous update, so the elapsed time and ETA move while slow items run); the
 * driver only sets the count and the message. One per call, used by that call's driver alone.
 */
final class BarDisplay implements CallObserver {
  private static final int REFRESH_MILLIS = 200;

  private final ProgressBar bar;
  private final long total;

  BarDisplay(String name, long total, @Nullable PrintStream out) {
    this.total = total;
    ProgressBarBuilder builder =
        new ProgressBarBuilder()
            .setTaskName(name)
            .setInitialMax(total) // -1: an indefinite bar
            .setUpdateIntervalMillis(REFRESH_MILLIS)
            .continuousUpdate();
    if (out != null) {
      // Without one, the library picks its console consumer for the real standard error, one
      // that can stack several bars when the terminal moves the cursor.
      builder.setConsumer(new ConsoleProgressBarConsumer(out));
    }
    this.bar = builder.build();
    // The rate is the engine's, in the message: the library's own speed divides by whole seconds,
    // so it shows "?" for the first second and is coarse for short calls.
    bar.setExtraMessage(Figures.rate(0));
  }

  @Override
  public void onProgress(Progress progress) {
    bar.stepTo(progress.done());
    bar.setExtraMessage(Figures.rate(progress.itemsPerSecond()) + Figures.failures(progress));
  }

  @Override
  public void onFinish(CallStats stats) {
    bar.stepTo(stats.items());
    boolean stopped = total >= 0 && stats.items() < total;
    bar.setExtraMessage(
        Figures.rate(stats.throughput()) + Figures.failures(stats) + (stopped ? ", stopped" : ""));
    // close() waits on a Future for the last render; the library swallows an
    // InterruptedException there, which would clear the flag of an interrupted call (onFinish
    // runs with it set) and leave the last render to later. Clear it for the wait, set it again.
    boolean interrupted = Thread.interrupted();
    try {
      bar.close();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
