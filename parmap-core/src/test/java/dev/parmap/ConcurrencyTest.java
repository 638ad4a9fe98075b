package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** How many tasks run at once, and on which threads. */
class ConcurrencyTest {

  /** Records the most tasks seen running at the same time. */
  static final class Gauge {
    final AtomicInteger now = new AtomicInteger();
    final AtomicInteger max = new AtomicInteger();

    void enter() {
      max.accumulateAndGet(now.incrementAndGet(), Math::max);
    }

    void exit() {
      now.decrementAndGet();
    }
  }

  @Test
  void theDefaultRunsThousandsOfBlockingItemsAtOnce() {
    int n = 2_000;
    // Every item waits until all n have started: this completes only if all run at once.
    CountDownLatch allStarted = new CountDownLatch(n);
    List<Integer> results =
        Parmap.map(
            IntStream.range(0, n).boxed().toList(),
            i -> {
              allStarted.countDown();
              assertThat(allStarted.await(60, TimeUnit.SECONDS)).isTrue();
              return i;
            });
    assertThat(results).hasSize(n);
  }

  @Test
  void threadsPoolRunsAtMostItsSizeOnItsOwnNamedThreads() {
    Gauge gauge = new Gauge();
    Set<String> threadNames = ConcurrentHashMap.newKeySet();
    CountDownLatch bothRunning = new CountDownLatch(2);
    try (Pool pool = Pool.threads(2)) {
      pool.forEach(
          IntStream.range(0, 200).boxed().toList(),
          i -> {
            gauge.enter();
            try {
              threadNames.add(Thread.currentThread().getName());
              bothRunning.countDown();
              assertThat(bothRunning.await(30, TimeUnit.SECONDS)).isTrue();
              Thread.sleep(0, 100_000);
            } finally {
              gauge.exit();
            }
          });
    }
    assertThat(gauge.max).hasValue(2);
    assertThat(threadNames).hasSize(2).allMatch(name -> name.startsWith("parmap-threads-"));
  }

  @Test
  void virtualPoolWithALimitRunsAtMostThatManyAcrossCalls() throws Exception {
    Gauge gauge = new Gauge();
    CountDownLatch threeRunning = new CountDownLatch(3);
    try (Pool pool = Pool.virtual(3)) {
      Task<Integer, Integer> task =
          i -> {
            gauge.enter();
            try {
              threeRunning.countDown();
              assertThat(threeRunning.await(30, TimeUnit.SECONDS)).isTrue();
              assertThat(Thread.currentThread().isVirtual()).isTrue();
              Thread.sleep(0, 100_000);
              return i;
            } finally {
              gauge.exit();
            }
          };
      var other = pool.mapAsync(IntStream.range(0, 100).boxed().toList(), task);
      pool.map(IntStream.range(0, 100).boxed().toList(), task);
      assertThat(other.get(60, TimeUnit.SECONDS)).hasSize(100);
    }
    assertThat(gauge.max).hasValue(3);
  }

  @Test
  void tasksOfTheDefaultPoolRunOnNamedVirtualThreads() {
    List<String> names =
        Parmap.map(
            List.of(1, 2),
            i -> {
              Thread self = Thread.currentThread();
              return self.isVirtual() + " " + self.getName();
            });
    assertThat(names).allMatch(name -> name.startsWith("true parmap-virtual-"));
  }

  @Test
  void cheapItemsAreGroupedIntoFewTasks() {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    int n = 1_000_000;
    Parmap.forEach(
        IntStream.range(0, n).boxed().toList(), i -> threads.add(Thread.currentThread().getName()));
    // One virtual thread per item would be a million threads; chunks make it far fewer (a few
    // hundred when warm, a few thousand under coverage instrumentation on a loaded machine).
    assertThat(threads.size()).isLessThan(n / 10);
  }
}
