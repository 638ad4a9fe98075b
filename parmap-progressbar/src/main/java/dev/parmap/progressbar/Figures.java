package dev.parmap.progressbar;

import dev.parmap.observe.CallStats;
import dev.parmap.observe.Progress;
import java.time.Duration;
import java.util.Locale;

/** How the displays write numbers: one format for the bar's message and the lines. */
final class Figures {
  private Figures() {}

  /** {@code "82.3/s"}, or {@code "?/s"} before any item has finished. */
  static String rate(double itemsPerSecond) {
    return itemsPerSecond > 0 ? String.format(Locale.ROOT, "%.1f/s", itemsPerSecond) : "?/s";
  }

  /** {@code ", failed 3, retried 5"}, each part only when not zero. */
  static String failures(long failed, long retried) {
    StringBuilder text = new StringBuilder();
    if (failed > 0) {
      text.append(", failed ").append(failed);
    }
    if (retried > 0) {
      text.append(", retried ").append(retried);
    }
    return text.toString();
  }

  static String failures(Progress progress) {
    return failures(progress.failed(), progress.retried());
  }

  static String failures(CallStats stats) {
    return failures(stats.failures(), stats.retries());
  }

  /** {@code "7.1s"} under a minute, {@code "1:02:03"} from then on. */
  static String duration(Duration duration) {
    long seconds = duration.toSeconds();
    if (seconds < 60) {
      return String.format(Locale.ROOT, "%.1fs", duration.toMillis() / 1000.0);
    }
    return String.format(
        Locale.ROOT, "%d:%02d:%02d", seconds / 3600, (seconds % 3600) / 60, seconds % 60);
  }

  /** The time left at the rate so far, or {@code "?"} while nothing has finished. */
  static String eta(Progress progress) {
    double rate = progress.itemsPerSecond();
    if (rate <= 0 || progress.total() < 0) {
      return "?";
    }
    long left = Math.max(0, progress.total() - progress.done());
    return duration(Duration.ofNanos((long) (left / rate * 1e9)));
  }
}
