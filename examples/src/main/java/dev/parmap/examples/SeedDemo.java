package dev.parmap.examples;

import dev.parmap.Action;
import dev.parmap.MapOptions;
import dev.parmap.Parmap;
import dev.parmap.Pool;
import dev.parmap.Task;
import dev.parmap.timeline.TimelineRecorder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demonstration parmap comes from, in Java: four items, each logged and then slept on for 5 s.
 * Run one after the other they take 20 s; with parmap they run at the same time.
 *
 * <p>Three rounds: {@link Parmap#map} (a virtual thread per item), a {@link Pool#threads()} pool
 * (one platform thread per CPU, as Python's {@code ThreadPool()}) and {@link Parmap#forEach} (no
 * results). The system property {@value #SLEEP_PROPERTY} sets the sleep in milliseconds.
 *
 * <p>{@code --timeline FILE} (e.g. {@code ./build demo --timeline timeline.html}) also records
 * round 1 with a {@link TimelineRecorder} and writes it to {@code FILE} as a self-contained HTML
 * timeline: one row per worker, one bar per chunk of items.
 */
public final class SeedDemo {

  /** The system property that overrides the 5,000 ms each item sleeps. */
  public static final String SLEEP_PROPERTY = "parmap.demo.sleep";

  /** The flag that writes round 1 as an HTML timeline: {@code --timeline FILE}. */
  public static final String TIMELINE_FLAG = "--timeline";

  /** The seed's items, "bananan" included. */
  public static final List<String> ITEMS = List.of("apple", "bananan", "cake", "dumpling");

  private SeedDemo() {}

  /**
   * Runs the three rounds and prints their results and times.
   *
   * @param args nothing, or {@code --timeline FILE}
   * @throws IllegalArgumentException if the arguments are anything else
   * @throws UncheckedIOException if the timeline cannot be written
   */
  public static void main(String[] args) {
    Optional<Path> timelineFile = timelineFile(args);
    Duration sleep = Duration.ofMillis(Long.getLong(SLEEP_PROPERTY, 5_000));
    Task<String, String> process = item -> process(item, sleep);
    Action<String> action = item -> log(item, sleep);
    int cpus = Runtime.getRuntime().availableProcessors();
    // The first log call starts Logback up: done here, so that no round's time includes it.
    LoggerFactory.getLogger(SeedDemo.class)
        .info("items {}, each logged and slept on for {}", ITEMS, seconds(sleep));

    heading("1. Parmap.map(items, process): one virtual thread per item, all four at once");
    long start = System.nanoTime();
    List<String> results;
    TimelineRecorder recorder = new TimelineRecorder();
    if (timelineFile.isEmpty()) {
      results = Parmap.map(ITEMS, process);
    } else {
      // What Parmap.map does (a fresh Pool.virtual(), closed before returning), with a listener.
      try (Pool pool = Pool.virtual().with(MapOptions.builder().listener(recorder).build())) {
        results = pool.map(ITEMS, process);
      }
    }
    Duration mapTime = since(start);
    System.out.println("results: " + results);
    System.out.println("took " + seconds(mapTime));
    if (timelineFile.isPresent()) {
      Path file = timelineFile.get().toAbsolutePath();
      try {
        recorder.timeline().writeHtml(file);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the timeline to " + file, e);
      }
      System.out.println("timeline of this round written to " + file + " (open it in a browser)");
    }

    heading(
        "2. Pool.threads(): one platform thread per CPU, like Python's ThreadPool(); "
            + cpus
            + (cpus == 1 ? " CPU here, so 1 item" : " CPUs here, so " + cpus + " items")
            + " at a time");
    start = System.nanoTime();
    try (Pool pool = Pool.threads()) {
      results = pool.map(ITEMS, process);
    }
    Duration poolTime = since(start);
    System.out.println("results: " + results);
    System.out.println("took " + seconds(poolTime));

    heading("3. Parmap.forEach(items, action): the same work with no results to collect");
    start = System.nanoTime();
    Parmap.forEach(ITEMS, action);
    Duration forEachTime = since(start);
    System.out.println("took " + seconds(forEachTime));

    System.out.println();
    System.out.println(
        "One at a time, "
            + ITEMS.size()
            + " items x "
            + seconds(sleep)
            + " = "
            + seconds(sleep.multipliedBy(ITEMS.size()))
            + "; parmap took "
            + seconds(mapTime)
            + " (map), "
            + seconds(poolTime)
            + " (Pool.threads()), "
            + seconds(forEachTime)
            + " (forEach).");
  }

  /** The file of {@code --timeline FILE}, if given. */
  static Optional<Path> timelineFile(String[] args) {
    if (args.length == 0) {
      return Optional.empty();
    }
    if (args.length == 2 && args[0].equals(TIMELINE_FLAG) && !args[1].isBlank()) {
      return Optional.of(Path.of(args[1]));
    }
    throw new IllegalArgumentException(
        "usage: SeedDemo [" + TIMELINE_FLAG + " FILE], but the arguments were " + List.of(args));
  }

  /** The seed's {@code process(item)}: logs the item, sleeps, and returns the item upper-cased. */
  static String process(String item, Duration sleep) throws InterruptedException {
    log(item, sleep);
    return item.toUpperCase(Locale.ROOT);
  }

  /** Logs {@code start} and {@code end} around the sleep, with a logger named after the item. */
  static void log(String item, Duration sleep) throws InterruptedException {
    Logger logger = LoggerFactory.getLogger(item);
    logger.info("start {} on {}", item, Thread.currentThread().getName());
    Thread.sleep(sleep);
    logger.info("end {}", item);
  }

  private static void heading(String text) {
    System.out.println();
    System.out.println("== " + text);
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  private static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
  }
}
