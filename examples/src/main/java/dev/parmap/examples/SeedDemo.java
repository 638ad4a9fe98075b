package dev.parmap.examples;

import dev.parmap.Action;
import dev.parmap.Parmap;
import dev.parmap.Pool;
import dev.parmap.Task;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demonstration parmap comes from, in Java: four items, each logged and then slept on for 5 s.
 * Run one after the other they take 20 s; with parmap they run at the same time.
 *
 * <p>Three rounds: {@link Parmap#map} (a virtual thread per item), a {@link Pool#threads()} pool
 * (one platform thread per CPU, as Python's {@code ThreadPool()}) and {@link Parmap#forEach} (no
 * results). The system property {@value #SLEEP_PROPERTY} sets the sleep in milliseconds.
 */
public final class SeedDemo {

  /** The system property that overrides the 5,000 ms each item sleeps. */
  public static final String SLEEP_PROPERTY = "parmap.demo.sleep";

  /** The seed's items, "bananan" included. */
  public static final List<String> ITEMS = List.of("apple", "bananan", "cake", "dumpling");

  private SeedDemo() {}

  /**
   * Runs the three rounds and prints their results and times.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    Duration sleep = Duration.ofMillis(Long.getLong(SLEEP_PROPERTY, 5_000));
    Task<String, String> process = item -> process(item, sleep);
    Action<String> action = item -> log(item, sleep);
    int cpus = Runtime.getRuntime().availableProcessors();
    // The first log call starts Logback up: done here, so that no round's time includes it.
    LoggerFactory.getLogger(SeedDemo.class)
        .info("items {}, each logged and slept on for {}", ITEMS, seconds(sleep));

    heading("1. Parmap.map(items, process): one virtual thread per item, all four at once");
    long start = System.nanoTime();
    List<String> results = Parmap.map(ITEMS, process);
    Duration mapTime = since(start);
    System.out.println("results: " + results);
    System.out.println("took " + seconds(mapTime));

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
