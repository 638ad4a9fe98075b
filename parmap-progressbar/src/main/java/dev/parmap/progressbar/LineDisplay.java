package dev.parmap.progressbar;

import dev.parmap.observe.CallObserver;
import dev.parmap.observe.CallStats;
import dev.parmap.observe.Progress;
import java.io.PrintStream;
import java.time.Duration;

/**
 * Plain lines for output that is not a terminal: no carriage return, no escape sequence, at most
 * one progress line per interval (measured on the call's own elapsed time), plus a start and a
 * final line. Starts no thread. One per call, used by that call's driver alone.
 */
final class LineDisplay implements CallObserver {
  private final String name;
  private final long total;
  private final PrintStream out;
  private final Duration interval;
  private Duration lastLine = Duration.ZERO;

  LineDisplay(String name, long total, PrintStream out, Duration interval) {
    this.name = name;
    this.total = total;
    this.out = out;
    this.interval = interval;
    out.println(name + ": started" + (total >= 0 ? ", " + total + " items" : ""));
  }

  @Override
  public void onProgress(Progress progress) {
    if (progress.elapsed().minus(lastLine).compareTo(interval) < 0) {
      return;
    }
    lastLine = progress.elapsed();
    String count =
        progress.total() >= 0
            ? progress.done()
                + "/"
                + progress.total()
                + " ("
                + percent(progress.done(), progress.total())
                + "%)"
            : progress.done() + " done";
    String eta = progress.total() >= 0 ? ", ETA " + Figures.eta(progress) : "";
    out.println(
        name
            + ": "
            + count
            + ", "
            + Figures.rate(progress.itemsPerSecond())
            + eta
            + Figures.failures(progress));
  }

  @Override
  public void onFinish(CallStats stats) {
    boolean stopped = total >= 0 && stats.items() < total;
    String count = total >= 0 ? stats.items() + "/" + total : String.valueOf(stats.items());
    out.println(
        name
            + (stopped ? ": stopped at " + count + " after " : ": finished " + count + " in ")
            + Figures.duration(stats.wallTime())
            + ", "
            + Figures.rate(stats.throughput())
            + Figures.failures(stats));
    out.flush();
  }

  private static long percent(long done, long total) {
    return total > 0 ? done * 100 / total : 100;
  }
}
