package dev.parmap.timeline;

import dev.parmap.MapOptions;
import dev.parmap.Outcomes;
import dev.parmap.Pool;
import dev.parmap.observe.ChunkEvent;
import dev.parmap.observe.RunStats;
import dev.parmap.policy.Retry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/** Real recorded calls, and hand-made events, for the tests. */
final class Runs {
  static final int ITEMS = 200;
  static final int CONCURRENCY = 8;

  /** Items that fail every attempt: 13, 53, 93, 133, 173. */
  static boolean alwaysFails(int item) {
    return item % 40 == 13;
  }

  /** Items whose first attempt fails and second succeeds: 4, 29, 54, ..., 179 (8 items). */
  static boolean failsOnce(int item) {
    return item % 25 == 4;
  }

  static final int EXPECTED_FAILURES = 5;

  /** 2 retries for each of the 5 that always fail (3 attempts), 1 for each of the 8 others. */
  static final int EXPECTED_RETRIES = 5 * 2 + 8;

  private Runs() {}

  /**
   * 200 items of about 1 ms on {@code Pool.virtual(8)}, through {@code mapOutcomes} with up to 3
   * attempts per item: 5 items fail for good, 8 succeed on their second attempt.
   */
  static Timeline virtualRunWithFailuresAndRetries() {
    TimelineRecorder recorder = new TimelineRecorder();
    Map<Integer, AtomicInteger> attempts = new ConcurrentHashMap<>();
    MapOptions options =
        MapOptions.builder()
            .listener(recorder)
            .retry(
                Retry.builder()
                    .maxAttempts(3)
                    .backoff(Duration.ofMillis(1), Duration.ofMillis(1))
                    .build())
            .build();
    List<Integer> items = IntStream.range(0, ITEMS).boxed().toList();
    Outcomes<Integer, Integer> outcomes;
    try (Pool pool = Pool.virtual(CONCURRENCY).with(options)) {
      outcomes =
          pool.mapOutcomes(
              items,
              item -> {
                int attempt =
                    attempts.computeIfAbsent(item, i -> new AtomicInteger()).incrementAndGet();
                Thread.sleep(Duration.ofMillis(1));
                if (alwaysFails(item) || (failsOnce(item) && attempt == 1)) {
                  throw new IOException("item " + item + ", attempt " + attempt);
                }
                return item * 2;
              });
    }
    if (outcomes.failures().size() != EXPECTED_FAILURES) {
      throw new AssertionError("the run itself went wrong: " + outcomes.failures());
    }
    return recorder.timeline();
  }

  /** 40 items of about 2 ms on {@code Pool.threads(2)}. */
  static Timeline twoThreadRun() {
    TimelineRecorder recorder = new TimelineRecorder();
    try (Pool pool = Pool.threads(2).with(MapOptions.builder().listener(recorder).build())) {
      pool.forEach(
          IntStream.range(0, 40).boxed().toList(), item -> Thread.sleep(Duration.ofMillis(2)));
    }
    return recorder.timeline();
  }

  static ChunkEvent chunk(
      String thread, boolean virtual, long first, long startMicros, long endMicros) {
    return new ChunkEvent(thread, virtual, first, 1, 1, 0, 0, startMicros * 1000, endMicros * 1000);
  }

  /** Statistics to go with hand-made chunks. */
  static RunStats stats(String what, List<ChunkEvent> chunks) {
    long items = chunks.stream().mapToLong(ChunkEvent::done).sum();
    long failed = chunks.stream().mapToLong(ChunkEvent::failed).sum();
    long retries = chunks.stream().mapToLong(ChunkEvent::retries).sum();
    long end = chunks.stream().mapToLong(ChunkEvent::endNanos).max().orElse(0);
    long busy = chunks.stream().mapToLong(c -> c.endNanos() - c.startNanos()).sum();
    return new RunStats(
        what,
        failed > 0 ? RunStats.Ending.FAILED : RunStats.Ending.COMPLETED,
        items,
        items - failed,
        failed,
        retries,
        Duration.ofNanos(end),
        Duration.ofNanos(busy),
        Map.of(),
        2,
        Duration.ofMillis(1),
        Duration.ofMillis(2),
        Duration.ofMillis(3),
        chunks.size(),
        new TreeMap<>(Map.of(1, (long) chunks.size())));
  }
}
