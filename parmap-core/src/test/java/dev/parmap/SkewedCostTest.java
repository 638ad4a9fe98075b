package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A chunk of cheap items that turns out to hold slow ones hands the rest of its items on to other
 * threads: the chunk size learned on cheap items does not make slow items run back to back on one
 * thread while the others idle (issue 11 "also seen", issue 17's skew row).
 *
 * <p>On {@code Pool.virtual()} every chunk runs on a virtual thread of its own, so the number of
 * slow items one thread ran is the number one chunk ran. The slow items sleep: that is their
 * workload, not a synchronisation. Before the fix one thread ran 14 or 15 of them; the bound of 3
 * gives the driver two slow items (400 ms) to notice the stalled chunk on a loaded machine.
 */
class SkewedCostTest {
  private static final int CHEAP = 20_000;
  private static final int SLOW = 64;
  private static final int FAILING = CHEAP + 40;
  // The slow items' workload: long enough that the bound of 3 per thread leaves the driver 400 ms
  // to notice a stalled chunk on a loaded machine.
  private static final long SLOW_MILLIS = 200;

  static List<PoolKind> pools() {
    return PoolKind.all();
  }

  private static List<Integer> input() {
    return IntStream.range(0, CHEAP + SLOW).boxed().toList();
  }

  private static List<Integer> doubled() {
    return IntStream.range(0, CHEAP + SLOW).map(i -> i * 2).boxed().toList();
  }

  /** Cheap items, then slow ones; counts the slow items each thread ran and each item's runs. */
  private static final class Skewed implements Task<Integer, Integer> {
    final Map<Long, AtomicInteger> slowByThread = new ConcurrentHashMap<>();
    final AtomicIntegerArray runs = new AtomicIntegerArray(CHEAP + SLOW);
    final boolean failing;
    final long slowMillis;

    Skewed(boolean failing) {
      this(failing, 50); // order and failure tests: the workload need not be long
    }

    Skewed(boolean failing, long slowMillis) {
      this.failing = failing;
      this.slowMillis = slowMillis;
    }

    @Override
    public Integer apply(Integer i) throws Exception {
      runs.incrementAndGet(i);
      if (i >= CHEAP) {
        slowByThread
            .computeIfAbsent(Thread.currentThread().threadId(), t -> new AtomicInteger())
            .incrementAndGet();
        if (failing && i == FAILING) {
          throw new IllegalStateException("item " + i);
        }
        Thread.sleep(slowMillis);
      }
      return i * 2;
    }

    int mostSlowItemsOnOneThread() {
      return slowByThread.values().stream().mapToInt(AtomicInteger::get).max().orElse(0);
    }

    void assertEveryItemRanOnce() {
      for (int i = 0; i < runs.length(); i++) {
        assertThat(runs.get(i)).as("runs of item %d", i).isEqualTo(1);
      }
    }
  }

  @Test
  void mapRunsSlowItemsThatFollowCheapOnesOnManyThreads() {
    Skewed task = new Skewed(false, SLOW_MILLIS);
    try (Pool pool = Pool.virtual()) {
      assertThat(pool.map(input(), task)).isEqualTo(doubled());
    }
    task.assertEveryItemRanOnce();
    assertThat(task.mostSlowItemsOnOneThread()).isLessThanOrEqualTo(3);
  }

  @Test
  void anOrderedStreamRunsSlowItemsThatFollowCheapOnesOnManyThreadsInInputOrder() {
    Skewed task = new Skewed(false, SLOW_MILLIS);
    try (Pool pool = Pool.virtual();
        Stream<Integer> results = pool.stream(input(), task)) {
      assertThat(results.toList()).isEqualTo(doubled());
    }
    task.assertEveryItemRanOnce();
    assertThat(task.mostSlowItemsOnOneThread()).isLessThanOrEqualTo(3);
  }

  @Test
  void anUnorderedStreamRunsSlowItemsThatFollowCheapOnesOnManyThreadsOnce() {
    Skewed task = new Skewed(false, SLOW_MILLIS);
    List<Integer> results;
    try (Pool pool = Pool.virtual();
        Stream<Integer> stream = pool.streamUnordered(input(), task)) {
      results = new ArrayList<>(stream.toList());
    }
    Collections.sort(results);
    assertThat(results).isEqualTo(doubled());
    task.assertEveryItemRanOnce();
    assertThat(task.mostSlowItemsOnOneThread()).isLessThanOrEqualTo(3);
  }

  @Test
  void forEachRunsSlowItemsThatFollowCheapOnesOnManyThreadsOnce() {
    Skewed task = new Skewed(false, SLOW_MILLIS);
    try (Pool pool = Pool.virtual()) {
      pool.forEach(input(), task::apply);
    }
    task.assertEveryItemRanOnce();
    assertThat(task.mostSlowItemsOnOneThread()).isLessThanOrEqualTo(3);
  }

  @ParameterizedTest
  @MethodSource("pools")
  void skewedCostsKeepEveryResultInOrderOnEveryPool(PoolKind kind) {
    try (Pool pool = kind.create(4)) {
      assertThat(pool.map(input(), new Skewed(false))).isEqualTo(doubled());
      try (Stream<Integer> results = pool.stream(input(), new Skewed(false))) {
        assertThat(results.toList()).isEqualTo(doubled());
      }
      try (Stream<Integer> results = pool.stream(new LinkedList<>(input()), new Skewed(false))) {
        assertThat(results.toList()).isEqualTo(doubled());
      }
      assertThat(pool.map(new LinkedList<>(input()), new Skewed(false))).isEqualTo(doubled());
      List<Outcome<Integer, Integer>> outcomes = pool.mapOutcomes(input(), new Skewed(false)).all();
      assertThat(outcomes).hasSize(CHEAP + SLOW);
      for (int i = 0; i < outcomes.size(); i++) {
        assertThat(outcomes.get(i).index()).isEqualTo(i);
        assertThat(outcomes.get(i).isSuccess()).isTrue();
      }
    }
  }

  @ParameterizedTest
  @MethodSource("pools")
  void aSlowItemThatFailsAfterCheapOnesIsReportedWithItsExactIndex(PoolKind kind) {
    try (Pool pool = kind.create(4)) {
      TaskFailedException failure =
          catchThrowableOfType(
              TaskFailedException.class, () -> pool.map(input(), new Skewed(true)));
      assertThat(failure.index()).isEqualTo(FAILING);
      assertThat(failure.item()).isEqualTo(FAILING);
    }
  }
}
