package dev.parmap.timeline;

import static dev.parmap.timeline.Text.escape;

import dev.parmap.observe.CallStats;
import dev.parmap.observe.ChunkEvent;
import dev.parmap.timeline.Timeline.Row;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/**
 * Renders a {@link Timeline} as one self-contained HTML page; see {@link Timeline#toHtml}. The page
 * refers to no URL at all (the inline SVG needs no namespace declaration in HTML), so it opens the
 * same offline, from a file, or attached to a bug report.
 */
final class HtmlTimeline {
  private static final int PLOT_WIDTH = 1000;
  private static final int RIGHT_MARGIN = 24;
  private static final int TOP = 6;
  private static final int ROW_PITCH = 24;
  private static final int BAR_HEIGHT = 18;
  private static final int AXIS_HEIGHT = 44;

  /** Average advance of the label font (12 px monospace), to size the label gutter. */
  private static final double CHAR_WIDTH = 7.3;

  private static final int MIN_GUTTER = 72;
  private static final int MAX_GUTTER = 300;

  /** Thinner bars would vanish; a chunk of a few microseconds in a long call is still seen. */
  private static final double MIN_BAR_WIDTH = 0.75;

  private static final String STYLE =
      """
      body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:16px 20px;\
      color:#222;background:#fff}
      h1{font-size:18px;margin:0 0 6px}
      h1 .what{font-family:ui-monospace,Menlo,Consolas,monospace;color:#555}
      ul.stats{list-style:none;padding:0;margin:0 0 8px;display:flex;flex-wrap:wrap;gap:4px 18px}
      ul.stats b{font-weight:600}
      .legend{margin:0 0 10px;color:#444;font-size:13px}
      .legend .key{display:inline-block;width:14px;height:10px;margin:0 5px 0 12px;\
      vertical-align:baseline;border-radius:2px}
      .legend .key:first-child{margin-left:0}
      svg.timeline{display:block;max-width:100%;height:auto}
      .lane{fill:#f4f6f8}
      .label{font:12px ui-monospace,Menlo,Consolas,monospace;fill:#333}
      .grid{stroke:#d9dde2;stroke-width:1}
      .axis{stroke:#888;stroke-width:1}
      .tick{font:11px system-ui,sans-serif;fill:#555}
      .axis-title{font:12px system-ui,sans-serif;fill:#555}
      .chunk,.key.ok{fill:#4c78a8;background:#4c78a8}
      .chunk{stroke:#fff;stroke-width:.5}
      .chunk.stopped,.key.stopped{fill:#b4b4b4;background:#b4b4b4}
      .chunk.retried,.key.retried{fill:#f2a93b;background:#f2a93b;stroke:#7a4b00;stroke-width:1.5}
      .key.retried{box-shadow:inset 0 0 0 1.5px #7a4b00}
      .chunk.failed,.key.failed{fill:#d62728;background:#d62728;stroke:#4d0000;stroke-width:2}
      .key.failed{box-shadow:inset 0 0 0 2px #4d0000}
      .chunk:hover{stroke:#000;stroke-width:2}
      #tip{position:absolute;display:none;pointer-events:none;white-space:pre-line;\
      background:#222;color:#fff;font-size:12px;padding:5px 8px;border-radius:4px;max-width:420px}
      """;

  /**
   * The hover tooltip: shows a bar's {@code <title>} at once, next to the pointer. The titles move
   * into a property so that the browser's own (slower) tooltip does not show as well; without
   * script, that native tooltip is what the reader gets.
   */
  private static final String SCRIPT =
      """
      (function () {
        var tip = document.getElementById('tip');
        document.querySelectorAll('rect.chunk').forEach(function (bar) {
          var title = bar.querySelector('title');
          if (title) { bar.tipText = title.textContent; title.remove(); }
        });
        document.addEventListener('mousemove', function (e) {
          var bar = e.target.closest ? e.target.closest('rect.chunk') : null;
          if (!bar) { tip.style.display = 'none'; return; }
          tip.textContent = bar.tipText || '';
          tip.style.display = 'block';
          var x = e.pageX + 14, y = e.pageY + 14;
          if (x + tip.offsetWidth > window.scrollX + document.documentElement.clientWidth) {
            x = e.pageX - tip.offsetWidth - 14;
          }
          tip.style.left = x + 'px';
          tip.style.top = y + 'px';
        });
      })();
      """;

  private HtmlTimeline() {}

  static String render(Timeline timeline) {
    CallStats stats = timeline.stats();
    List<Row> rows = timeline.rows();
    StringBuilder html = new StringBuilder(4096 + 400 * timeline.chunks().size());
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>parmap timeline: ")
        .append(escape(stats.call().what()))
        .append("</title>\n<style>\n")
        .append(STYLE)
        .append("</style>\n</head>\n<body>\n");
    header(html, stats, rows.size());
    svg(html, timeline);
    html.append("<div id=\"tip\" role=\"tooltip\"></div>\n<script>\n")
        .append(SCRIPT)
        .append("</script>\n</body>\n</html>\n");
    return html.toString();
  }

  private static void header(StringBuilder html, CallStats stats, int rows) {
    html.append("<header>\n<h1>parmap timeline <span class=\"what\">")
        .append(escape(stats.call().what()))
        .append("</span></h1>\n<ul class=\"stats\">\n");
    stat(html, Long.toString(stats.items()), " items: " + stats.successes() + " ok");
    stat(html, Long.toString(stats.failures()), " failed");
    stat(html, Long.toString(stats.retries()), " retries");
    stat(html, Text.duration(stats.wallTime().toNanos()), " wall time");
    stat(html, Text.duration(stats.busyTime().toNanos()), " busy");
    stat(
        html,
        String.format(Locale.ROOT, "%.0f%%", stats.utilisation() * 100),
        " utilisation (parallelism " + stats.parallelism() + ")");
    double throughput = stats.throughput();
    stat(
        html,
        String.format(Locale.ROOT, throughput < 10 ? "%.1f" : "%.0f", throughput),
        " items/s");
    stat(
        html,
        "p50 " + Text.duration(stats.latencyP50().toNanos()),
        ", p95 "
            + Text.duration(stats.latencyP95().toNanos())
            + ", p99 "
            + Text.duration(stats.latencyP99().toNanos())
            + " item latency");
    stat(
        html,
        Long.toString(stats.chunks()),
        String.format(Locale.ROOT, " chunks (mean %.1f items)", stats.meanChunkSize()));
    stat(html, Integer.toString(rows), rows == 1 ? " row" : " rows");
    html.append("</ul>\n<p class=\"legend\">")
        .append("<span class=\"key ok\"></span>chunk of items")
        .append("<span class=\"key retried\"></span>with retries")
        .append("<span class=\"key failed\"></span>with a failed item")
        .append("<span class=\"key stopped\"></span>cut short")
        .append(" &nbsp;·&nbsp; hover a bar for its items and time</p>\n</header>\n");
  }

  private static void stat(StringBuilder html, String value, String rest) {
    html.append("<li><b>")
        .append(escape(value))
        .append("</b>")
        .append(escape(rest))
        .append("</li>\n");
  }

  private static void svg(StringBuilder html, Timeline timeline) {
    List<Row> rows = timeline.rows();
    int longest = 0;
    for (Row row : rows) {
      longest = Math.max(longest, row.name().length());
    }
    double wanted = Math.ceil(longest * CHAR_WIDTH + 20);
    int gutter = (int) Math.min(MAX_GUTTER, Math.max(MIN_GUTTER, wanted));
    // Only names too long for the widest gutter are shortened (to their end, which tells threads
    // of one pool apart); the full name stays in the label's <title>.
    int maxLabelChars =
        wanted <= MAX_GUTTER ? Integer.MAX_VALUE : (int) ((MAX_GUTTER - 20) / CHAR_WIDTH);
    long span = span(timeline);
    int plotTop = TOP;
    int plotBottom = TOP + rows.size() * ROW_PITCH;
    int width = gutter + PLOT_WIDTH + RIGHT_MARGIN;
    int height = plotBottom + AXIS_HEIGHT;

    html.append("<svg class=\"timeline\" viewBox=\"0 0 ")
        .append(width)
        .append(' ')
        .append(height)
        .append("\" width=\"")
        .append(width)
        .append("\" height=\"")
        .append(height)
        .append("\" role=\"img\" aria-label=\"")
        .append(escape("timeline of " + timeline.stats().call().what()))
        .append("\">\n");

    // Grid lines and tick labels first, so the bars are drawn over them.
    long step = tickStep(span);
    html.append("<g class=\"axis-group\">\n");
    for (long t = 0; t <= span; t += step) {
      String x = fmt(gutter + (double) t / span * PLOT_WIDTH);
      html.append("<line class=\"grid\" x1=\"")
          .append(x)
          .append("\" x2=\"")
          .append(x)
          .append("\" y1=\"")
          .append(plotTop)
          .append("\" y2=\"")
          .append(plotBottom + 5)
          .append("\"/>\n<text class=\"tick\" x=\"")
          .append(x)
          .append("\" y=\"")
          .append(plotBottom + 18)
          .append("\" text-anchor=\"middle\">")
          .append(escape(tickLabel(t, step)))
          .append("</text>\n");
    }
    html.append("<line class=\"axis\" x1=\"")
        .append(gutter)
        .append("\" x2=\"")
        .append(gutter + PLOT_WIDTH)
        .append("\" y1=\"")
        .append(plotBottom)
        .append("\" y2=\"")
        .append(plotBottom)
        .append("\"/>\n<text class=\"axis-title\" x=\"")
        .append(gutter + PLOT_WIDTH / 2)
        .append("\" y=\"")
        .append(plotBottom + 36)
        .append("\" text-anchor=\"middle\">time since the call started</text>\n</g>\n");

    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      int y = plotTop + i * ROW_PITCH + (ROW_PITCH - BAR_HEIGHT) / 2;
      html.append("<g class=\"row\" data-row=\"")
          .append(i)
          .append("\" data-row-name=\"")
          .append(escape(row.name()))
          .append("\">\n<rect class=\"lane\" x=\"")
          .append(gutter)
          .append("\" y=\"")
          .append(y)
          .append("\" width=\"")
          .append(PLOT_WIDTH)
          .append("\" height=\"")
          .append(BAR_HEIGHT)
          .append("\"/>\n<text class=\"label\" x=\"")
          .append(gutter - 8)
          .append("\" y=\"")
          .append(y + BAR_HEIGHT / 2 + 4)
          .append("\" text-anchor=\"end\">")
          .append(escape(shorten(row.name(), maxLabelChars)))
          .append("<title>")
          .append(escape(row.name()))
          .append("</title></text>\n");
      for (ChunkEvent chunk : row.chunks()) {
        bar(html, chunk, gutter, y, span);
      }
      html.append("</g>\n");
    }
    html.append("</svg>\n");
  }

  private static void bar(StringBuilder html, ChunkEvent chunk, int gutter, int y, long span) {
    long duration = Text.durationNanos(chunk);
    double x = gutter + (double) chunk.startNanos() / span * PLOT_WIDTH;
    double width = Math.max(MIN_BAR_WIDTH, (double) duration / span * PLOT_WIDTH);
    html.append("<rect class=\"chunk");
    if (chunk.failed() > 0) {
      html.append(" failed");
    }
    if (chunk.retries() > 0) {
      html.append(" retried");
    }
    if (chunk.done() < chunk.size() && chunk.failed() == 0) {
      html.append(" stopped");
    }
    html.append("\" x=\"")
        .append(fmt(x))
        .append("\" y=\"")
        .append(y)
        .append("\" width=\"")
        .append(fmt(width))
        .append("\" height=\"")
        .append(BAR_HEIGHT)
        .append("\" data-first-index=\"")
        .append(chunk.firstIndex())
        .append("\" data-size=\"")
        .append(chunk.size())
        .append("\" data-done=\"")
        .append(chunk.done())
        .append("\" data-failed=\"")
        .append(chunk.failed())
        .append("\" data-retries=\"")
        .append(chunk.retries())
        .append("\" data-thread=\"")
        .append(escape(chunk.thread()))
        .append("\" data-start-us=\"")
        .append(ChromeTrace.micros(chunk.startNanos()).toPlainString())
        .append("\" data-dur-us=\"")
        .append(ChromeTrace.micros(duration).toPlainString())
        .append("\"><title>")
        .append(escape(Text.title(chunk)))
        .append("</title></rect>\n");
  }

  /** The time the picture spans: the call's wall time, or longer should a chunk end after it. */
  private static long span(Timeline timeline) {
    long span = timeline.stats().wallTime().toNanos();
    for (ChunkEvent chunk : timeline.chunks()) {
      span = Math.max(span, chunk.endNanos());
    }
    return Math.max(1, span);
  }

  /** 1, 2 or 5 times a power of ten nanoseconds, so that the axis gets 5 to 10 ticks. */
  static long tickStep(long span) {
    long raw = Math.max(1, span / 8);
    long power = 1;
    while (power <= raw / 10) {
      power *= 10;
    }
    for (long factor : new long[] {1, 2, 5, 10}) {
      if (power * factor >= raw) {
        return power * factor;
      }
    }
    return power * 10;
  }

  /** {@code t} in the unit that suits {@code step}: {@code 0}, {@code 250 µs}, {@code 1.5 s}. */
  static String tickLabel(long t, long step) {
    if (t == 0) {
      return "0";
    }
    long unit;
    String name;
    if (step >= 1_000_000_000L) {
      unit = 1_000_000_000L;
      name = " s";
    } else if (step >= 1_000_000L) {
      unit = 1_000_000L;
      name = " ms";
    } else if (step >= 1_000L) {
      unit = 1_000L;
      name = " µs";
    } else {
      unit = 1L;
      name = " ns";
    }
    return BigDecimal.valueOf(t)
            .divide(BigDecimal.valueOf(unit))
            .stripTrailingZeros()
            .toPlainString()
        + name;
  }

  private static String shorten(String name, int maxChars) {
    if (name.length() <= maxChars || maxChars < 2) {
      return name;
    }
    return "…" + name.substring(name.length() - (maxChars - 1));
  }

  private static String fmt(double value) {
    return String.format(Locale.ROOT, "%.2f", value);
  }
}
