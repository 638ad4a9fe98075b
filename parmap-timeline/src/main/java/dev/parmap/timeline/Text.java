package dev.parmap.timeline;

import dev.parmap.observe.ChunkEvent;
import java.util.Locale;

/** The words both outputs use for chunks and times, and HTML escaping. */
final class Text {

  private Text() {}

  /** {@code item #3} or {@code items #0–#9}. */
  static String items(ChunkEvent chunk) {
    if (chunk.size() <= 1) {
      return "item #" + chunk.firstIndex();
    }
    return "items #" + chunk.firstIndex() + "–#" + (chunk.firstIndex() + chunk.size() - 1);
  }

  /** A chunk's duration; 0 should its end precede its start. */
  static long durationNanos(ChunkEvent chunk) {
    return Math.max(0, chunk.endNanos() - chunk.startNanos());
  }

  /**
   * The hover text: {@code items #0–#9, 12.3 ms, failed 1, retries 2}, then whatever else is
   * unusual, then on a second line the thread and the start time.
   */
  static String title(ChunkEvent chunk) {
    StringBuilder text = new StringBuilder(items(chunk));
    text.append(", ").append(duration(durationNanos(chunk)));
    if (chunk.failed() > 0) {
      text.append(", failed ").append(chunk.failed());
    }
    if (chunk.retries() > 0) {
      text.append(", retries ").append(chunk.retries());
    }
    if (chunk.done() < chunk.size()) {
      text.append(", done ").append(chunk.done()).append(" of ").append(chunk.size());
    }
    text.append('\n')
        .append(chunk.virtual() ? "virtual thread " : "thread ")
        .append(chunk.thread())
        .append(", started at ")
        .append(duration(chunk.startNanos()));
    return text.toString();
  }

  /** {@code 850 ns}, {@code 12.5 µs}, {@code 12.3 ms}, {@code 1.23 s}. */
  static String duration(long nanos) {
    if (nanos < 1_000) {
      return nanos + " ns";
    } else if (nanos < 1_000_000) {
      return String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
    } else if (nanos < 1_000_000_000) {
      return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
    return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
  }

  /** Escapes text for HTML element content and for quoted attribute values. */
  static String escape(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String replacement =
          switch (c) {
            case '&' -> "&amp;";
            case '<' -> "&lt;";
            case '>' -> "&gt;";
            case '"' -> "&quot;";
            case '\'' -> "&#39;";
            default -> null;
          };
      if (replacement != null) {
        if (out == null) {
          out = new StringBuilder(text.length() + 16).append(text, 0, i);
        }
        out.append(replacement);
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }
}
