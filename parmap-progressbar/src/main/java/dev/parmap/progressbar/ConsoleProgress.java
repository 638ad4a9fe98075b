package dev.parmap.progressbar;

import dev.parmap.observe.CallInfo;
import dev.parmap.observe.CallObserver;
import dev.parmap.observe.Progress;
import dev.parmap.observe.ProgressListener;
import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Objects;
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
 * <p><b>Threads.</b> {@link #onStart} opens a display of the call's own (a bar, or the start line)
 * and returns it as the call's {@link CallObserver}, which the call alone updates, on the thread
 * that drives it (see {@link ProgressListener}). So one {@code ConsoleProgress} may follow calls
 * made one after another, at the same time from several threads (in a terminal that supports it the
 * library stacks their bars), nested, or interleaved on one thread (two result streams read
 * alternately): each call has its own bar or lines. Lines mode starts no thread. The terminal bar
 * is redrawn by the library's own refresh thread ({@code ProgressBar}, a daemon thread): when the
 * call finishes, its display stops the bar, draws its last state and waits until that is written
 * (leaving the thread's interrupt flag as it was), so nothing of the call is scheduled any more
 * when the call returns; the library keeps that one idle thread for the rest of the JVM's life (it
 * offers no way to end it). A result stream that is dropped without being closed or read to its end
 * never finishes, so its bar stays up.
 *
 * <p>A {@code ConsoleProgress} is immutable and thread-safe.
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
   * Opens the call's display, a bar or the start line, and returns it. Its {@link
   * CallObserver#onProgress} updates the bar, or in lines mode writes a line if the line interval
   * has passed since the last one; its {@link CallObserver#onFinish} writes the bar's last state or
   * the final line before it returns.
   *
   * @param call which call: the display's name is the call's {@link CallInfo#what()} unless one was
   *     given, and its total the call's {@link CallInfo#total()}
   * @return the display of this call alone
   */
  @Override
  public CallObserver onStart(CallInfo call) {
    String label = name != null ? name : call.what();
    boolean bar =
        switch (display) {
          case BAR -> true;
          case LINES -> false;
          case AUTO -> interactiveTerminal();
        };
    return bar
        ? new BarDisplay(label, call.total(), output)
        : new LineDisplay(label, call.total(), output != null ? output : System.err, lineInterval);
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
