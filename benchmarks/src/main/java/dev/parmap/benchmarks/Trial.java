package dev.parmap.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The bookkeeping of one JMH trial (one contestant on one workload, in its own forked JVM): checks
 * the contestant's result against the sequential loop's before anything is measured, and leaves an
 * outcome file for {@link ResultsReport}.
 *
 * <p>Outcome files go to the directory named by the system property {@value #OUTCOMES_PROPERTY}
 * ({@code ./build bench} sets it; JMH passes the launcher's JVM options on to its forks), one per
 * workload and contestant, as Java properties: {@code status} ({@code ok} or {@code failed}),
 * {@code items}, {@code reason} for a failure, and the 1-minute load average at the start and end
 * of the trial. A failed trial is not in JMH's JSON at all, so the file is the only trace of why.
 */
final class Trial {
  static final String OUTCOMES_PROPERTY = "parmap.bench.outcomes";

  private final Workload workload;
  private final Contestant contestant;
  private final int items;
  private final String loadAtStart;
  private final String ifTheJvmEnds;

  Trial(Workload workload, Contestant contestant) {
    this(
        workload,
        contestant,
        "the forked JVM ended during the check run, before any result (see JMH's log)");
  }

  /**
   * @param ifTheJvmEnds what RESULTS.md says if the forked JVM ends while the contestant's result
   *     is checked (the JVM can say nothing then)
   */
  Trial(Workload workload, Contestant contestant, String ifTheJvmEnds) {
    this.workload = workload;
    this.contestant = contestant;
    this.items = workload.itemsFor(contestant);
    this.loadAtStart = loadAverage();
    this.ifTheJvmEnds = ifTheJvmEnds;
  }

  /** The number of items this trial runs. */
  int items() {
    return items;
  }

  /**
   * Runs the contestant once and throws unless it returns {@code expected} (the sequential loop's
   * result). The run happens on a helper thread and is abandoned after {@code timeout}: a peer that
   * runs out of memory may leave the caller waiting for futures that never complete. A failure is
   * recorded and rethrown, which makes JMH report the benchmark as failed and go on.
   */
  <V> void verify(Callable<V> run, V expected, Duration timeout) {
    // Written first, overwritten by the outcome: if the JVM ends during the check (workload D
    // exits on OutOfMemoryError), this is what RESULTS.md will say.
    record("failed", ifTheJvmEnds);
    try {
      V actual = callWithTimeout(run, timeout);
      if (!Objects.equals(actual, expected)) {
        throw new IllegalStateException(
            contestant
                + " on workload "
                + workload
                + " returned a result that differs from the"
                + " sequential loop's: "
                + abbreviate(actual)
                + " instead of "
                + abbreviate(expected));
      }
    } catch (Throwable e) {
      record("failed", reasonOf(e));
      throw e instanceof RuntimeException r ? r : new IllegalStateException(reasonOf(e), e);
    }
  }

  /** Records a trial that ran to its end (from JMH's {@code @TearDown}). */
  void succeeded() {
    record("ok", "");
  }

  private static <V> V callWithTimeout(Callable<V> run, Duration timeout) throws Throwable {
    CompletableFuture<V> result = new CompletableFuture<>();
    Thread thread =
        Thread.ofPlatform()
            .name("verify")
            .daemon(true) // an abandoned run must not keep the forked JVM alive
            .start(
                () -> {
                  try {
                    result.complete(run.call());
                  } catch (Throwable e) {
                    result.completeExceptionally(e);
                  }
                });
    try {
      return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause != null ? cause : e;
    } catch (TimeoutException e) {
      thread.interrupt();
      throw new IllegalStateException(
          "no result within " + timeout.toSeconds() + " s (heap in use: " + heapInUse() + ")", e);
    }
  }

  private static String reasonOf(Throwable e) {
    if (e instanceof OutOfMemoryError) {
      return "OutOfMemoryError (" + e.getMessage() + ") at -Xmx" + maxHeapMiB() + "m";
    }
    Throwable cause = e.getCause();
    if (cause instanceof OutOfMemoryError oom) {
      return "OutOfMemoryError (" + oom.getMessage() + ") at -Xmx" + maxHeapMiB() + "m";
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  private void record(String status, String reason) {
    String dir = System.getProperty(OUTCOMES_PROPERTY);
    if (dir == null || dir.isEmpty()) {
      return;
    }
    String text =
        "status="
            + status
            + "\nitems="
            + items
            + "\nreason="
            + reason.replace('\n', ' ').replace("\\", "\\\\")
            + "\nloadStart="
            + loadAtStart
            + "\nloadEnd="
            + loadAverage()
            + "\n";
    try {
      Path directory = Path.of(dir);
      Files.createDirectories(directory);
      Files.writeString(
          directory.resolve(outcomeFileName(workload, contestant)), text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String outcomeFileName(Workload workload, Contestant contestant) {
    return workload + "-" + contestant + ".properties";
  }

  /** The 1-minute load average from /proc/loadavg, or "?" where there is none. */
  static String loadAverage() {
    try {
      String line = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII);
      return line.split(" ", 2)[0];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  static long maxHeapMiB() {
    return Runtime.getRuntime().maxMemory() >> 20;
  }

  private static String heapInUse() {
    Runtime runtime = Runtime.getRuntime();
    return ((runtime.totalMemory() - runtime.freeMemory()) >> 20) + " MiB";
  }

  private static String abbreviate(@Nullable Object value) {
    String text = String.valueOf(value);
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }
}
