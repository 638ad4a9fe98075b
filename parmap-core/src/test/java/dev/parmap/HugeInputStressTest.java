package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.parmap.testing.Stress;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * More items than an {@code int} can count: {@code Integer.MAX_VALUE + 10} items from an iterator,
 * through {@code forEach} and an ordered {@code stream}, with indexes as {@code long}s. Reading
 * 2^31 items takes from tens of seconds to minutes on two cores, so this runs in the long form only
 * ({@code ./build stress}); the short form checks the cheap parts (MisuseTest: lazy streams and
 * forEach over a list of {@code Integer.MAX_VALUE} items).
 */
@Tag("stress")
class HugeInputStressTest {
  static final long COUNT = Integer.MAX_VALUE + 10L;

  /** The numbers 0..count-1, read lazily: parmap sees an Iterable of unknown size. */
  static Iterable<Long> indexes(long count, AtomicLong read) {
    return () ->
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return read.get() < count;
          }

          @Override
          public Long next() {
            long i = read.get();
            if (i >= count) {
              throw new NoSuchElementException();
            }
            read.set(i + 1);
            return i;
          }
        };
  }

  @Test
  void forEachReportsAFailurePastIntegerMaxValueWithItsLongIndex() {
    assumeTrue(Stress.isLong(), "long form only (./build stress): reads 2^31 items");
    long failAt = Integer.MAX_VALUE + 5L;
    LongAdder ran = new LongAdder();
    AtomicLong read = new AtomicLong();
    long begin = System.nanoTime();
    TaskFailedException failure;
    try (Pool pool = Pool.virtual()) {
      failure =
          catchThrowableOfType(
              TaskFailedException.class,
              () ->
                  pool.forEach(
                      indexes(COUNT, read),
                      i -> {
                        ran.increment();
                        if (i == failAt) {
                          throw new IllegalStateException("item " + i);
                        }
                      }));
    }
    System.out.printf(
        "[stress] HugeInputStressTest forEach: %,d items read, %,d run, %.1f s%n",
        read.get(), ran.sum(), (System.nanoTime() - begin) / 1e9);
    assertThat(failure.index()).isEqualTo(failAt);
    assertThat(failure.item()).isEqualTo(failAt);
    assertThat(failure.getCause()).hasMessage("item " + failAt);
    assertThat(failure).hasMessageContaining("#" + failAt);
    assertThat(ran.sum()).isBetween(failAt + 1 - 16_384, COUNT);
    assertThat(read.get()).isBetween(failAt + 1, COUNT);
  }

  @Test
  void anOrderedStreamHandsOverAllItemsPastIntegerMaxValueInOrder() {
    assumeTrue(Stress.isLong(), "long form only (./build stress): reads 2^31 items");
    AtomicLong read = new AtomicLong();
    long[] next = {0};
    long[] outOfOrder = {0};
    long begin = System.nanoTime();
    try (Pool pool = Pool.virtual();
        Stream<Long> results = pool.stream(indexes(COUNT, read), i -> i)) {
      results.forEach(
          r -> {
            if (r != next[0]) {
              outOfOrder[0]++;
            }
            next[0]++;
          });
    }
    System.out.printf(
        "[stress] HugeInputStressTest stream: %,d items handed over, %.1f s%n",
        next[0], (System.nanoTime() - begin) / 1e9);
    assertThat(next[0]).isEqualTo(COUNT);
    assertThat(outOfOrder[0]).isZero();
    assertThat(read.get()).isEqualTo(COUNT);
  }
}
