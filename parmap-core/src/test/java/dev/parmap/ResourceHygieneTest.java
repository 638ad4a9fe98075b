package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.parmap.junit.NoLeakedThreadsExtension;
import dev.parmap.testing.Stress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Calls back to back leave nothing behind: after thousands of calls of every kind (fresh pools and
 * long-lived ones, successes, failures, streams closed early, mapAsync), the number of live
 * platform threads and the heap retained after a full GC are what they were, and no {@code parmap-}
 * thread is alive but the long-lived pools' own.
 *
 * <p>Measured after a warm-up (class loading, JIT, the JDK's own lazily started threads), then
 * again at the end; the heap bound is generous (a few MB) so that the JIT's and the collector's own
 * noise cannot fail it, while a leak of anything per call (a thread, a pool, a call's state, its
 * items or results) would grow far beyond it.
 */
@Tag("stress")
class ResourceHygieneTest {
  static final int CALLS = Stress.scaled(10_000, 100_000);
  static final int WARM_UP = 1_000;

  /** Retained heap may grow this much over the measured calls (noise, not leaks). */
  static final long HEAP_SLACK_BYTES = 6L << 20;

  /** Platform threads that may come or go on their own (JVM and JDK housekeeping). */
  static final int THREAD_SLACK = 3;

  private static final List<Integer> ITEMS = IntStream.range(0, 64).boxed().toList();

  @Test
  void thousandsOfCallsBackToBackKeepThreadsAndHeapFlat() throws Exception {
    Stress.within(Duration.ofMinutes(10), "the hygiene run", this::run);
  }

  private Void run() throws Exception {
    long begin = System.nanoTime();
    try (Pool shared = Pool.threads(2);
        Pool sharedVirtual = Pool.virtual(8)) {
      for (int call = 0; call < WARM_UP; call++) {
        oneCall(call, shared, sharedVirtual);
      }
      int threadsBefore = platformThreads();
      long heapBefore = retainedHeap();
      for (int call = WARM_UP; call < CALLS; call++) {
        oneCall(call, shared, sharedVirtual);
      }
      int threadsAfter = platformThreads();
      long heapAfter = retainedHeap();
      System.out.printf(
          "[stress] ResourceHygieneTest: %,d calls in %.1f s; platform threads %d -> %d;"
              + " retained heap %.1f MB -> %.1f MB%n",
          CALLS,
          (System.nanoTime() - begin) / 1e9,
          threadsBefore,
          threadsAfter,
          heapBefore / 1e6,
          heapAfter / 1e6);
      assertThat(threadsAfter)
          .as("live platform threads after %,d calls", CALLS)
          .isLessThanOrEqualTo(threadsBefore + THREAD_SLACK);
      assertThat(heapAfter - heapBefore)
          .as("growth of the heap retained after GC over %,d calls", CALLS - WARM_UP)
          .isLessThanOrEqualTo(HEAP_SLACK_BYTES);
      // Alive: only the two platform threads of the long-lived Pool.threads(2).
      assertThat(
              NoLeakedThreadsExtension.findLeakedThreads(
                  NoLeakedThreadsExtension.THREAD_NAME_PREFIX))
          .allSatisfy(t -> assertThat(t.name()).startsWith(shared.threadPrefix() + "worker-"))
          .hasSizeLessThanOrEqualTo(2);
    }
    return null;
  }

  /** One call; which one depends on the call's number, so that every kind repeats. */
  private static void oneCall(int call, Pool shared, Pool sharedVirtual) throws Exception {
    switch (call % 10) {
      case 0 -> assertThat(Parmap.map(ITEMS, i -> i + 1)).hasSize(64);
      case 1 -> Parmap.forEach(ITEMS, i -> {});
      case 2 -> assertThat(shared.map(ITEMS, i -> i * 2)).hasSize(64);
      case 3 -> {
        try (Stream<Integer> s = sharedVirtual.stream(ITEMS, i -> i)) {
          assertThat(s.limit(5).toList()).hasSize(5); // closed early
        }
      }
      case 4 -> assertThat(sharedVirtual.streamUnordered(ITEMS, i -> i).count()).isEqualTo(64);
      case 5 ->
          assertThat(sharedVirtual.mapAsync(ITEMS, i -> i).get(60, TimeUnit.SECONDS)).hasSize(64);
      case 6 -> {
        TaskFailedException failure =
            catchThrowableOfType(
                TaskFailedException.class,
                () ->
                    shared.map(
                        ITEMS,
                        i -> {
                          if (i == 40) {
                            throw new IllegalStateException("no");
                          }
                          return i;
                        }));
        assertThat(failure.index()).isEqualTo(40);
      }
      case 7 -> {
        try (Pool fresh = Pool.threads(2)) {
          assertThat(fresh.map(ITEMS, i -> i)).hasSize(64);
        }
      }
      case 8 -> assertThat(ITEMS.stream().collect(Parmap.toList(i -> i))).hasSize(64);
      default -> {
        // A fresh pool seen through a view, and a call interrupted by one of its tasks.
        Thread caller = Thread.currentThread();
        try (Pool view = Pool.virtual().with(MapOptions.builder().maxConcurrency(4).build())) {
          Throwable thrown =
              catchThrowable(
                  () ->
                      view.map(
                          ITEMS,
                          i -> {
                            if (i == 10) {
                              caller.interrupt();
                            }
                            return i;
                          }));
          // Interrupted while it waits, or done before it noticed: either way the flag is set.
          if (thrown != null) {
            assertThat(thrown).isInstanceOf(CallInterruptedException.class);
          }
        }
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
        Thread.interrupted(); // set by the call (or by the task, if the call ended first)
      }
    }
  }

  /** The heap in use after full collections: the smallest of a few, against collector noise. */
  private static long retainedHeap() {
    Runtime runtime = Runtime.getRuntime();
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      least = Math.min(least, runtime.totalMemory() - runtime.freeMemory());
    }
    return least;
  }

  /** Live platform threads (virtual ones are not listed). */
  private static int platformThreads() {
    return Thread.getAllStackTraces().size();
  }
}
