package dev.parmap.progressbar;

import dev.parmap.observe.Progress;
import dev.parmap.observe.ProgressListener;
import dev.parmap.observe.RunStats;
import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

/**
 * Shows a parmap call on the console: a progress bar in a terminal, plain lines elsewhere (CI logs,
 * files, pipes). One line turns it on:
 *
 * <pre>{@code
 * MapOptions options = MapOptions.builder().listener(ConsoleProgress.bar("downloading")).build();
 * try (Pool pool = Pool.virtual().with(options)) {
 *     List<Page> pages = pool.map(urls, Http::get);
 * }
 * }</pre>
 *
 * <p><b>What it shows.</b> Items finished (successfully or not) out of the total, the rate (items
 * per second since the call started), the elapsed time and the estimated time left, and how many
 * items failed and how many attempts were retried. The counts are the call's own {@link Progress}
 * events: items that finished, not items handed over, so they are right for {@code map}, {@code
 * forEach}, ordered and unordered streams alike. When the input is not a {@link
 * java.util.Collection} (a lazy {@link Iterable}) its size is unknown: the bar is indefinite and
 * the lines give the count without a percentage or time left.
 *
 * <p><b>Terminal or not.</b> With {@link Display#AUTO} (the default) each call checks whether the
 * JVM runs in an interactive terminal ({@link System#console()}, and on Java 22+ {@code
 * Console.isTerminal()}; a {@code TERM} of {@code dumb} counts as no terminal). In a terminal it
 * draws the bar of <a href="https://github.com/ctongfei/progressbar">me.tongfei:progressbar</a>,
 * redrawn in place five times a second. Elsewhere it never writes a carriage return or an escape
 * sequence: one line when the call starts, at most one line per {@linkplain Builder#lineInterval
 * line interval} (5 s by default) while it runs, and one line when it ends:
 *
 * <pre>
 * downloading: started, 1000 items
 * downloading: 412/1000 (41%), 82.3/s, ETA 7.1s, failed 2, retried 5
 * downloading: finished 1000/1000 in 12.2s, 82.0/s, failed 3, retried 9
 * </pre>
 *
 * <p><b>Threads.</b> The listener methods run on the thread that drives the call (see {@link
 * ProgressListener}); each call gets its own bar or lines, found by that thread, so one {@code
 * ConsoleProgress} may follow calls made one after another, at the same time from several threads
 * (in a terminal that supports it the library stacks their bars), or nested. It is not for two
 * streams read alternately by one thread. Lines mode starts no thread. The terminal bar is redrawn
 * by the library's own refresh thread ({@code ProgressBar}, a daemon thread): {@link #onFinish}
 * stops the call's bar, draws its last state and waits until that is written, so nothing of the
 * call is scheduled any more when the call returns; the library keeps that one idle thread for the
 * rest of the JVM's life (it offers no way to end it). A result stream that is dropped without
 * being closed or read to its end never finishes, so its bar stays up.
 *
 * <p>A {@code ConsoleProgress} is immutable apart from the displays of the calls it is following,
 * and thread-safe.
 *
 * @since 0.1
 */
public final class ConsoleProgress implements ProgressListener {

  /** How a call is shown. */
  public enum Display {
    /** A bar in an interactive terminal, lines otherwise; decided when each call starts. */
    AUTO,
    /** Always the progress bar, even when the output is not a terminal. */
    BAR,
    /** Always plain lines. */
    LINES
  }

  private final @Nullable String name;
  private final @Nullable PrintStream output;
  private final Display display;
  private final Duration lineInterval;

  /** The display of each call being followed, by the thread that drives it. */
  private final ConcurrentMap<Thread, CallDisplay> open = new ConcurrentHashMap<>();

  private ConsoleProgress(Builder builder) {
    this.name = builder.name;
    this.output = builder.output;
    this.display = builder.display;
    this.lineInterval = builder.lineInterval;
  }

  /**
   * A progress display on standard error, a bar in a terminal and lines elsewhere, named after the
   * call (e.g. {@code Pool.map}).
   *
   * @return a listener for {@link dev.parmap.MapOptions.Builder#listener}
   */
  public static ConsoleProgress bar() {
    return builder().build();
  }

  /**
   * A progress display on standard error, a bar in a terminal and lines elsewhere, named {@code
   * name}.
   *
   * @param name what the call does, e.g. {@code "downloading"}
   * @return a listener for {@link dev.parmap.MapOptions.Builder#listener}
   */
  public static ConsoleProgress bar(String name) {
    return builder().name(name).build();
  }

  /**
   * A builder, to choose the output, the display or the line interval.
   *
   * @return a new builder with the defaults of {@link #bar()}
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Opens the call's display: a bar, or the first line.
   *
   * @param what which call, the display's name unless one was given
   * @param total the number of items, or -1 when unknown
   */
  @Override
  public void onStart(String what, long total) {
    String label = name != null ? name : what;
    boolean bar =
        switch (display) {
          case BAR -> true;
          case LINES -> false;
          case AUTO -> interactiveTerminal();
        };
    Thread driver = Thread.currentThread();
    CallDisplay outer = open.get(driver);
    CallDisplay shown =
        bar
            ? new BarDisplay(label, total, output, outer)
            : new LineDisplay(
                label, total, output != null ? output : System.err, lineInterval, outer);
    open.put(driver, shown);
  }

  /**
   * Updates the call's display; in lines mode, writes a line if the line interval has passed since
   * the last one.
   *
   * @param progress the call's counts
   */
  @Override
  public void onProgress(Progress progress) {
    CallDisplay shown = open.get(Thread.currentThread());
    if (shown != null) {
      shown.progress(progress);
    }
  }

  /**
   * Closes the call's display: the bar's last state, or the final line, is written before this
   * returns. The thread's interrupt flag is left as it was.
   *
   * @param stats the call's statistics
   */
  @Override
  public void onFinish(RunStats stats) {
    Thread driver = Thread.currentThread();
    CallDisplay shown = open.get(driver);
    if (shown == null) {
      return;
    }
    try {
      shown.finish(stats);
    } finally {
      CallDisplay outer = shown.outer();
      if (outer != null) {
        open.put(driver, outer);
      } else {
        open.remove(driver);
      }
    }
  }

  @Override
  public String toString() {
    return "ConsoleProgress[name="
        + name
        + ", display="
        + display
        + ", lineInterval="
        + lineInterval
        + (output != null ? ", output=" + output : "")
        + "]";
  }

  /**
   * Whether the JVM runs in an interactive terminal: it has a {@link Console}, the console is a
   * terminal ({@code Console.isTerminal()}, Java 22+: from then on {@code System.console()} may
   * return a console that is not one), and {@code TERM} is not {@code dumb}.
   */
  static boolean interactiveTerminal() {
    return isTerminal(System.console()) && !"dumb".equals(System.getenv("TERM"));
  }

  static boolean isTerminal(@Nullable Console console) {
    if (console == null) {
      return false;
    }
    Method isTerminal;
    try {
      isTerminal = Console.class.getMethod("isTerminal");
    } catch (NoSuchMethodException e) {
      return true; // Java 21: System.console() is null unless stdin and stdout are a terminal
    }
    try {
      return Boolean.TRUE.equals(isTerminal.invoke(console));
    } catch (ReflectiveOperationException e) {
      return false; // cannot tell: plain lines are safe everywhere
    }
  }

  /** The display of one call. All its methods run on the call's driver, one at a time. */
  interface CallDisplay {
    void progress(Progress progress);

    void finish(RunStats stats);

    /** The display of the call this one is nested in, on the same driver thread. */
    @Nullable CallDisplay outer();
  }

  /** Builds a {@link ConsoleProgress}. Not thread-safe; what it builds is. */
  public static final class Builder {
    private @Nullable String name;
    private @Nullable PrintStream output;
    private Display display = Display.AUTO;
    private Duration lineInterval = Duration.ofSeconds(5);

    private Builder() {}

    /**
     * The name shown before the counts.
     *
     * @param name e.g. {@code "downloading"}; by default the call's, e.g. {@code "Pool.map"}
     * @return this builder
     */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name must not be null");
      return this;
    }

    /**
     * Where to write. By default the lines go to {@link System#err} as it is when a call starts,
     * and the bar to the process's standard error (the library writes to its file descriptor
     * directly, whatever {@link System#setErr} installed).
     *
     * @param output e.g. {@code System.out}, or a stream a test reads
     * @return this builder
     */
    public Builder output(PrintStream output) {
      this.output = Objects.requireNonNull(output, "output must not be null");
      return this;
    }

    /**
     * Bar, lines, or the one that suits the console.
     *
     * @param display {@link Display#AUTO} by default
     * @return this builder
     */
    public Builder display(Display display) {
      this.display = Objects.requireNonNull(display, "display must not be null");
      return this;
    }

    /**
     * In lines mode, the least time between two progress lines (the start and final lines are
     * always written).
     *
     * @param interval positive; 5 s by default
     * @return this builder
     * @throws IllegalArgumentException if {@code interval} is not positive
     */
    public Builder lineInterval(Duration interval) {
      Objects.requireNonNull(interval, "lineInterval must not be null");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("lineInterval must be positive, but was " + interval);
      }
      this.lineInterval = interval;
      return this;
    }

    /**
     * Builds the listener.
     *
     * @return a listener for {@link dev.parmap.MapOptions.Builder#listener}
     */
    public ConsoleProgress build() {
      return new ConsoleProgress(this);
    }
  }
}
