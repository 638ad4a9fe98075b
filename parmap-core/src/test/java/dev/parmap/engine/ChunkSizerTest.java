package dev.parmap.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The adaptive chunking rules, with measurements fed in directly. */
class ChunkSizerTest {

  @Test
  void unknownCostMeansSingleItemsAndFewInFlight() {
    ChunkSizer sizer = new ChunkSizer(2, 10_000);
    assertThat(sizer.costUnknown()).isTrue();
    assertThat(sizer.nextSize(-1)).isEqualTo(1);
    assertThat(sizer.inFlightCap()).isEqualTo(4);
  }

  @Test
  void slowItemsRunOneByOneWithFullConcurrency() {
    ChunkSizer sizer = new ChunkSizer(2, 10_000);
    sizer.completed(1, 5_000_000);
    assertThat(sizer.nextSize(-1)).isEqualTo(1);
    assertThat(sizer.inFlightCap()).isEqualTo(10_000);
  }

  @Test
  void noProgressForLongerThanTheTargetMarksItemsAsSlow() {
    ChunkSizer sizer = new ChunkSizer(2, 10_000);
    sizer.noProgressFor(ChunkSizer.TARGET_NANOS / 2);
    assertThat(sizer.costUnknown()).isTrue();
    sizer.noProgressFor(ChunkSizer.TARGET_NANOS * 2);
    assertThat(sizer.costUnknown()).isFalse();
    assertThat(sizer.inFlightCap()).isEqualTo(10_000);
    assertThat(sizer.nextSize(-1)).isEqualTo(1);
  }

  @Test
  void cheapItemsGrowChunksGeometricallyTowardsTheTarget() {
    ChunkSizer sizer = new ChunkSizer(2, 10_000);
    sizer.completed(1, 10); // 10 ns per item: the target is 10,000 items
    assertThat(sizer.inFlightCap()).isEqualTo(8);
    int size = 1;
    int steps = 0;
    while (size < ChunkSizer.TARGET_NANOS / 10) {
      int next = sizer.nextSize(-1);
      assertThat(next).isLessThanOrEqualTo(Math.max(2, 2 * size));
      size = next;
      steps++;
    }
    assertThat(size).isEqualTo((int) (ChunkSizer.TARGET_NANOS / 10));
    assertThat(steps).isLessThan(20);
  }

  @Test
  void knownSizeKeepsChunksSmallEnoughToShareTheTail() {
    ChunkSizer sizer = new ChunkSizer(4, 10_000);
    sizer.completed(1000, 1); // nearly free items
    for (int i = 0; i < 30; i++) {
      sizer.nextSize(-1); // grow to the cap
    }
    assertThat(sizer.nextSize(80)).isEqualTo(10); // 80 / (2 * 4)
    assertThat(sizer.nextSize(3)).isEqualTo(1);
  }

  @Test
  void theEstimateFollowsChangingCosts() {
    ChunkSizer sizer = new ChunkSizer(2, 10_000);
    sizer.completed(100, 100); // 1 ns per item
    for (int i = 0; i < 20; i++) {
      sizer.completed(1, 10_000_000); // items became slow
    }
    assertThat(sizer.nanosPerItem()).isGreaterThan(ChunkSizer.TARGET_NANOS);
    assertThat(sizer.nextSize(-1)).isEqualTo(1);
  }

  @Test
  void aChunkIsOverdueAfterEightTimesItsExpectedTimeAndNeverBeforeAMillisecond() {
    ChunkSizer sizer = new ChunkSizer(2, 10_000);
    sizer.completed(1000, 1_000_000); // 1 µs per item
    assertThat(sizer.overdueAfterNanos(1000)).isEqualTo(8_000_000);
    assertThat(sizer.overdueAfterNanos(10)).isEqualTo(ChunkSizer.MIN_OVERDUE_NANOS);
  }

  @Test
  void theEstimateIsTheLowerMedianOfTheLastEightChunksCostsPerItem() {
    long seed = System.nanoTime();
    System.out.println("ChunkSizerTest median seed: " + seed);
    SplittableRandom random = new SplittableRandom(seed);
    ChunkSizer sizer = new ChunkSizer(2, 10_000);
    double[] last = new double[ChunkSizer.SAMPLES];
    for (int chunk = 0; chunk < 2_000; chunk++) {
      int items = 1 + random.nextInt(4);
      // Few distinct costs, so that equal values leave and enter the window too.
      long nanos = random.nextBoolean() ? 1_000L * random.nextInt(6) : random.nextLong(1_000_000);
      sizer.completed(items, nanos);
      last[chunk % last.length] = (double) nanos / items;
      int n = Math.min(chunk + 1, last.length);
      double[] sorted = Arrays.copyOf(last, n);
      Arrays.sort(sorted);
      assertThat(sizer.nanosPerItem())
          .as("after chunk %d (seed %d)", chunk, seed)
          .isEqualTo(sorted[(n - 1) / 2]);
    }
  }

  @Test
  void aChunkSlowedByTheMachineDoesNotRaiseTheOverdueBar() {
    ChunkSizer sizer = new ChunkSizer(2, 10_000);
    sizer.completed(1000, 1_000_000); // 1 µs per item
    sizer.completed(1000, 200_000_000); // preempted for 200 ms: 200 µs per item
    assertThat(sizer.nanosPerItem()).as("one outlier does not move the median").isEqualTo(1_000);
    assertThat(sizer.overdueAfterNanos(1000))
        .as("the bar follows the fast chunks: at most double their cost")
        .isLessThanOrEqualTo(16_000_000);
    for (int i = 0; i < 10; i++) {
      sizer.completed(1000, 200_000_000); // the items really became costlier
    }
    assertThat(sizer.overdueAfterNanos(1000))
        .as("a lasting change is learned")
        .isGreaterThan(1_000_000_000);
  }

  @Test
  void oneSlowItemAmongCheapOnesDoesNotShrinkTheNextChunksToOneItem() {
    ChunkSizer sizer = new ChunkSizer(2, 10_000);
    sizer.completed(20, 100_000); // 5 µs per item: chunks of 20
    for (int i = 0; i < 5; i++) {
      sizer.nextSize(-1); // sizes at most double from one chunk to the next
    }
    assertThat(sizer.nextSize(-1)).isEqualTo(20);
    sizer.completed(20, 5_095_000); // 19 cheap items and one of 5 ms
    sizer.completed(1, 5_000_000); // a chunk that ran that slow item alone
    sizer.completed(20, 100_000);
    assertThat(sizer.nextSize(-1)).isEqualTo(20);
    for (int i = 0; i < 3; i++) {
      sizer.completed(1, 5_000_000); // the items really became slow: half the samples
    }
    assertThat(sizer.nanosPerItem()).isGreaterThanOrEqualTo(5_000_000);
    assertThat(sizer.nextSize(-1)).isEqualTo(1);
  }

  @Test
  void theRestOfAYieldedChunkIsSizedFromTheMeasurementsInNoMoreChunksThanThereIsRoomFor() {
    ChunkSizer sizer = new ChunkSizer(2, 10_000);
    sizer.completed(1, 20_000_000); // slow items: one per chunk
    assertThat(sizer.restSize(15, 100)).isEqualTo(1);
    assertThat(sizer.restSize(15, 4)).isEqualTo(4); // four chunks: 4, 4, 4, 3
    assertThat(sizer.restSize(15, 0)).isEqualTo(15); // no room: one chunk takes it all
  }

  @Test
  void onePerItemKeepsChunksOfOneItemAndItsWholeCapInFlightWhateverTheItemsCost() {
    ChunkSizer sizer = ChunkSizer.onePerItem(2, 16);
    assertThat(sizer.nextSize(-1)).isEqualTo(1);
    assertThat(sizer.inFlightCap()).isEqualTo(16); // not 2 x parallelism: the cost is unknown
    sizer.completed(1, 10); // cheap items would be grouped, and fewer chunks kept in flight
    sizer.completed(1, 10);
    assertThat(sizer.nextSize(-1)).isEqualTo(1);
    assertThat(sizer.nextSize(1_000_000)).isEqualTo(1);
    assertThat(sizer.inFlightCap()).isEqualTo(16);
  }
}
