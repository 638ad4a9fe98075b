package dev.parmap.progressbar;

import dev.parmap.observe.Progress;
import dev.parmap.observe.RunStats;
import java.io.PrintStream;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Plain lines for output that is not a terminal: no carriage return, no escape sequence, at most
 * one progress line per interval (measured on the call's own elapsed time), plus a start and a
 * final line. Starts no thread.
 */
final class LineDisplay implements ConsoleProgress.CallDisplay {
  private final String name;
  private final long total;
  private final PrintStream out;
  private final Duration interval;
  private final ConsoleProgress.@Nullable CallDisplay outer;
  private Duration lastLine = Duration.ZERO;

  LineDisplay(
      String name,
      long total,
      PrintStream out,
      Duration interval,
      ConsoleProgress.@Nullable CallDisplay outer) {
    this.name = name;
    this.total = total;
    this.out = out;
    this.interval = interval;
    this.outer = outer;
    out.println(name + ": started" + (total >= 0 ? ", " + total + " items" : ""));
  }

  @Override
  public void progress(Progress progress) {
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
  public void finish(RunStats stats) {
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

  @Override
  public ConsoleProgress.@Nullable CallDisplay outer() {
    return outer;
  }

  private static long percent(long done, long total) {
    return total > 0 ? done * 100 / total : 100;
  }
}
