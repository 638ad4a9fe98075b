package dev.parmap.timeline;

import dev.parmap.MapOptions;
import dev.parmap.Outcomes;
import dev.parmap.Pool;
import dev.parmap.observe.CallInfo;
import dev.parmap.observe.CallStats;
import dev.parmap.observe.ChunkEvent;
import dev.parmap.policy.Retry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
    return ChunkEvent.builder()
        .thread(thread, virtual)
        .items(first, 1)
        .counts(1, 0, 0)
        .time(startMicros * 1000, endMicros * 1000)
        .build();
  }

  /** Statistics to go with hand-made chunks. */
  static CallStats stats(String what, List<ChunkEvent> chunks) {
    long items = chunks.stream().mapToLong(ChunkEvent::done).sum();
    long failed = chunks.stream().mapToLong(ChunkEvent::failed).sum();
    long retries = chunks.stream().mapToLong(ChunkEvent::retries).sum();
    long end = chunks.stream().mapToLong(ChunkEvent::endNanos).max().orElse(0);
    long busy = chunks.stream().mapToLong(c -> c.endNanos() - c.startNanos()).sum();
    return CallStats.builder(
            CallInfo.builder(what).pool("Pool.virtual()").total(items).build(),
            failed > 0 ? CallStats.Ending.FAILED : CallStats.Ending.COMPLETED)
        .counts(items, failed, retries)
        .time(Duration.ofNanos(end), Duration.ofNanos(busy), Map.of())
        .parallelism(2)
        .latency(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(3))
        .chunks(chunks.size(), Map.of(1, (long) chunks.size()))
        .build();
  }
}
