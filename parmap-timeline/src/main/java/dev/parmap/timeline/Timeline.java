package dev.parmap.timeline;

import dev.parmap.observe.CallStats;
import dev.parmap.observe.ChunkEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * What one parmap call ran, chunk by chunk, and its statistics: an immutable value made by {@link
 * TimelineRecorder} (or by {@link #of} from events you collected), which writes itself as a Chrome
 * Trace Event file or as a self-contained HTML page.
 *
 * <h2>Rows</h2>
 *
 * Both outputs show one row per worker and one bar per {@linkplain ChunkEvent chunk} (consecutive
 * items that ran as one task on one thread). {@link #rows()} decides the rows once, and both
 * outputs use them in that order:
 *
 * <ul>
 *   <li><b>Platform threads</b> ({@code Pool.threads(n)}, or {@code Pool.using(executor)} with a
 *       thread pool): one row per thread name, ordered by name with numbers compared as numbers
 *       ({@code worker-2} before {@code worker-10}). A thread runs one chunk at a time, so a row's
 *       bars never overlap. Should two threads share a name (an executor may name all its threads
 *       alike), that name gets as many rows as its threads ran chunks at once: {@code name}, {@code
 *       name (2)}, ...
 *   <li><b>Virtual threads</b> ({@code Pool.virtual()}, {@code Parmap.map}: a new thread per
 *       chunk): one row per thread would give as many rows as chunks, so the chunks are packed into
 *       rows by time instead. In order of start time, each chunk goes to the first row (lowest
 *       number) that is free when it starts, that is whose last chunk ended no later; a new row
 *       opens only when every row is busy. This is interval partitioning: the number of rows is the
 *       largest number of chunks that ran at the same moment (the call's peak concurrency), and no
 *       two chunks of a row overlap. These rows are named {@code virtual 1}, {@code virtual 2}, ...
 *       and come after the platform threads' rows; a row is a lane, not a thread (each bar names
 *       its thread).
 * </ul>
 *
 * <h2>Times</h2>
 *
 * Chunk times are those of {@link ChunkEvent}: nanoseconds since the call started. The trace gives
 * them in microseconds with three decimals (exact to the nanosecond), as Trace Event Format wants.
 *
 * @since 0.1
 */
public final class Timeline {

  private final List<ChunkEvent> chunks;
  private final CallStats stats;
  private final List<Row> rows;

  private Timeline(List<ChunkEvent> chunks, CallStats stats) {
    this.chunks =
        chunks.stream()
            .sorted(
                Comparator.comparingLong(ChunkEvent::startNanos)
                    .thenComparingLong(ChunkEvent::firstIndex))
            .toList();
    this.stats = stats;
    this.rows = Rows.pack(this.chunks);
  }

  /**
   * A timeline of the given chunks and statistics, for events collected by a listener of your own.
   *
   * @param chunks the chunks that ran, in any order
   * @param stats the call's statistics
   * @return the timeline
   * @throws NullPointerException if an argument or a chunk is null
   */
  public static Timeline of(List<ChunkEvent> chunks, CallStats stats) {
    Objects.requireNonNull(chunks, "chunks must not be null");
    Objects.requireNonNull(stats, "stats must not be null");
    return new Timeline(List.copyOf(chunks), stats);
  }

  /**
   * The chunks the call ran.
   *
   * @return every recorded chunk once, ordered by start time (then first index); unmodifiable
   */
  public List<ChunkEvent> chunks() {
    return chunks;
  }

  /**
   * The call's statistics, as the engine reported them when the call ended.
   *
   * @return the statistics
   */
  public CallStats stats() {
    return stats;
  }

  /**
   * The rows both outputs draw, top to bottom (see "Rows" above). Every chunk is in exactly one
   * row.
   *
   * @return the rows; unmodifiable
   */
  public List<Row> rows() {
    return rows;
  }

  /**
   * The timeline in Chrome's Trace Event Format (JSON object form): one complete event ({@code
   * "ph": "X"}) per chunk with {@code ts} and {@code dur} in microseconds, {@code pid} 1, {@code
   * tid} the row's number (1 for the first row), and {@code args} {@code firstIndex}, {@code size},
   * {@code done}, {@code failed}, {@code retries} and {@code thread}; then metadata events ({@code
   * "ph": "M"}) naming the process after the call and each row after its {@link Row#name()}. Open
   * it in Perfetto ({@code ui.perfetto.dev}, "Open trace file") or {@code chrome://tracing}.
   *
   * @return the JSON text
   */
  public String toChromeTraceJson() {
    try {
      return ChromeTrace.write(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
  }

  /**
   * Writes {@link #toChromeTraceJson()} to {@code file} (UTF-8), replacing it if it exists.
   *
   * @param file where to write
   * @throws IOException if the file cannot be written
   */
  public void writeChromeTrace(Path file) throws IOException {
    Files.writeString(file, toChromeTraceJson(), StandardCharsets.UTF_8);
  }

  /**
   * The timeline as one self-contained HTML page: a header with the statistics, then an inline SVG
   * with one row per {@link Row} and one {@code <rect class="chunk">} per chunk, and a time axis.
   * The page loads nothing: its style and its few lines of script (the hover tooltip) are inline.
   *
   * <p>Each rect carries {@code data-first-index}, {@code data-size}, {@code data-done}, {@code
   * data-failed}, {@code data-retries}, {@code data-thread}, {@code data-start-us} and {@code
   * data-dur-us} (microseconds, three decimals), and a {@code <title>} with its hover text, such as
   * {@code items #0–#9, 12.3 ms, failed 1, retries 2}. Chunks with a failed item have the class
   * {@code failed} (red), chunks with retries {@code retried} (amber, outlined), chunks cut short
   * without a failure of their own {@code stopped} (grey). All text, thread names included, is
   * escaped.
   *
   * <p>The page holds every bar, about 0.4 kB each: fine for calls of up to some ten thousand
   * chunks (cheap items share a chunk, so that is many more items). For larger calls the trace
   * ({@link #writeChromeTrace}) suits better: Perfetto shows millions of events.
   *
   * @return the HTML text
   */
  public String toHtml() {
    return HtmlTimeline.render(this);
  }

  /**
   * Writes {@link #toHtml()} to {@code file} (UTF-8), replacing it if it exists.
   *
   * @param file where to write
   * @throws IOException if the file cannot be written
   */
  public void writeHtml(Path file) throws IOException {
    Files.writeString(file, toHtml(), StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "Timeline["
        + stats.call().what()
        + ", "
        + chunks.size()
        + " chunks, "
        + rows.size()
        + " rows]";
  }

  /**
   * One row of the timeline: a platform thread, or a lane of virtual threads' chunks.
   *
   * @param name the thread's name, or {@code virtual N} for a lane of virtual threads
   * @param virtual whether the row holds virtual threads' chunks
   * @param chunks its chunks, ordered by start time; no two overlap
   */
  public record Row(String name, boolean virtual, List<ChunkEvent> chunks) {
    /**
     * A row.
     *
     * @param name the row's name
     * @param virtual whether it holds virtual threads' chunks
     * @param chunks its chunks, copied
     */
    public Row {
      Objects.requireNonNull(name, "name must not be null");
      chunks = List.copyOf(chunks);
    }
  }
}
