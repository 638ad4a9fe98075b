package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.parmap.observe.ProgressListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code stream} (Python's imap) and {@code streamUnordered} (imap_unordered). */
class StreamTest {

  static List<PoolKind> pools() {
    return PoolKind.all();
  }

  /** An endless iterable that counts how many items were read. */
  static final class Counting implements Iterable<Long> {
    final AtomicLong read = new AtomicLong();

    @Override
    public Iterator<Long> iterator() {
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return true;
        }

        @Override
        public Long next() {
          return read.getAndIncrement();
        }
      };
    }
  }

  @ParameterizedTest
  @MethodSource("pools")
  void streamGivesResultsInInputOrder(PoolKind kind) {
    try (Pool pool = kind.create(4);
        Stream<Integer> results =
            pool.stream(IntStream.range(0, 100_000).boxed().toList(), i -> i * 2)) {
      assertThat(results.toList())
          .isEqualTo(IntStream.range(0, 100_000).map(i -> i * 2).boxed().toList());
    }
  }

  @ParameterizedTest
  @MethodSource("pools")
  void streamUnorderedGivesEveryResultOnceInCompletionOrder(PoolKind kind) throws Exception {
    CountDownLatch releaseFirst = new CountDownLatch(1);
    try (Pool pool = kind.create(2);
        Stream<Integer> results =
            pool.streamUnordered(
                List.of(0, 1),
                i -> {
                  if (i == 0) {
                    // Item 0 cannot finish before item 1 has been handed to the consumer.
                    assertThat(releaseFirst.await(30, TimeUnit.SECONDS)).isTrue();
                  }
                  return i;
                })) {
      Iterator<Integer> it = results.iterator();
      assertThat(it.next()).isEqualTo(1);
      releaseFirst.countDown();
      assertThat(it.next()).isZero();
      assertThat(it.hasNext()).isFalse();
    }
  }

  @Test
  void streamUnorderedOfManyItemsLosesAndDuplicatesNothing() {
    try (Pool pool = Pool.virtual();
        Stream<Integer> results =
            pool.streamUnordered(IntStream.range(0, 200_000).boxed().toList(), i -> i)) {
      List<Integer> all = new ArrayList<>(results.toList());
      all.sort(null);
      assertThat(all).isEqualTo(IntStream.range(0, 200_000).boxed().toList());
    }
  }

  @Test
  void streamReadsNothingBeforeItIsConsumedAndOnlyAWindowAhead() {
    Counting endless = new Counting();
    try (Pool pool = Pool.virtual();
        Stream<Long> results = pool.stream(endless, x -> x + 1)) {
      assertThat(endless.read).hasValue(0);
      assertThat(results.limit(10).toList())
          .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
      assertThat(endless.read.get()).isBetween(10L, (long) Pool.DEFAULT_WINDOW + 10);
    }
  }

  @Test
  void endlessInputStreamsInBoundedMemory() {
    Counting endless = new Counting();
    try (Pool pool = Pool.virtual();
        Stream<Long> results = pool.stream(endless, x -> x)) {
      long sum = results.limit(3_000_000).mapToLong(Long::longValue).sum();
      assertThat(sum).isEqualTo(3_000_000L * (3_000_000L - 1) / 2);
      assertThat(endless.read.get()).isLessThanOrEqualTo(3_000_000L + Pool.DEFAULT_WINDOW);
    }
  }

  @Test
  void closingTheStreamInterruptsTheRunningTasksAndWaitsForThem() throws Exception {
    int n = 4;
    CountDownLatch running = new CountDownLatch(n);
    AtomicInteger interrupted = new AtomicInteger();
    AtomicInteger ended = new AtomicInteger();
    AtomicReference<dev.parmap.observe.CallStats> finished = new AtomicReference<>();
    MapOptions options =
        MapOptions.builder().listener(ProgressListener.onFinish(finished::set)).build();
    try (Pool pool = Pool.virtual().with(options)) {
      Stream<Integer> results =
          pool.stream(
              IntStream.range(0, n).boxed().toList(),
              i -> {
                running.countDown();
                try {
                  if (i > 0) {
                    new CountDownLatch(1).await();
                  }
                  return i;
                } catch (InterruptedException e) {
                  interrupted.incrementAndGet();
                  throw e;
                } finally {
                  ended.incrementAndGet();
                }
              });
      Iterator<Integer> it = results.iterator();
      assertThat(it.next()).isZero();
      assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
      results.close();
      assertThat(interrupted).hasValue(n - 1);
      assertThat(ended).hasValue(n);
      assertThat(finished.get().ending()).isEqualTo(dev.parmap.observe.CallStats.Ending.CANCELLED);
    }
  }

  @Test
  void aFailureSurfacesWithoutWaitingForTheHeadItem() {
    CountDownLatch headReleased = new CountDownLatch(1);
    AtomicBoolean headInterrupted = new AtomicBoolean();
    try (Pool pool = Pool.virtual();
        Stream<Integer> results =
            pool.stream(
                List.of(0, 1),
                i -> {
                  if (i == 0) {
                    try {
                      headReleased.await(); // the head never finishes by itself
                    } catch (InterruptedException e) {
                      headInterrupted.set(true);
                      throw e;
                    }
                  }
                  throw new IllegalStateException("item 1 fails");
                })) {
      TaskFailedException failure =
          catchThrowableOfType(TaskFailedException.class, results::toList);
      assertThat(failure.index()).isEqualTo(1);
      assertThat(headInterrupted).isTrue();
    }
  }

  @Test
  void aConsumerThatThrowsCancelsTheRunningTasksBeforeTheExceptionLeaves() {
    AtomicInteger ended = new AtomicInteger();
    AtomicInteger started = new AtomicInteger();
    CountDownLatch secondRunning = new CountDownLatch(1);
    try (Pool pool = Pool.virtual()) {
      Stream<Integer> results =
          pool.stream(
              List.of(0, 1),
              i -> {
                started.incrementAndGet();
                try {
                  if (i == 1) {
                    secondRunning.countDown();
                    new CountDownLatch(1).await();
                  }
                  return i;
                } finally {
                  ended.incrementAndGet();
                }
              });
      assertThatThrownBy(
              () ->
                  results.forEach(
                      i -> {
                        try {
                          assertThat(secondRunning.await(30, TimeUnit.SECONDS)).isTrue();
                        } catch (InterruptedException e) {
                          throw new AssertionError(e);
                        }
                        throw new IllegalArgumentException("consumer fails on " + i);
                      }))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(ended.get()).isEqualTo(started.get()).isEqualTo(2);
    }
  }

  @Test
  void streamsCarryNulls() {
    try (Pool pool = Pool.threads(2);
        Stream<String> results = pool.stream(Arrays.asList("a", null), s -> s)) {
      assertThat(results.toList()).containsExactly("a", null);
    }
  }

  @Test
  void anEmptyStreamEndsAtOnce() {
    try (Pool pool = Pool.virtual();
        Stream<String> results = pool.streamUnordered(List.<String>of(), s -> s)) {
      assertThat(results.count()).isZero();
    }
  }

  @Test
  void aStreamAbandonedWithoutClosingLetsItsTasksFinishAndStartsNoMore() throws Exception {
    Counting endless = new Counting();
    AtomicInteger running = new AtomicInteger();
    try (Pool pool = Pool.virtual()) {
      Stream<Long> results =
          pool.stream(
              endless,
              x -> {
                running.incrementAndGet();
                try {
                  return x;
                } finally {
                  running.decrementAndGet();
                }
              });
      Iterator<Long> it = results.iterator();
      assertThat(it.next()).isZero();
      long readBefore = endless.read.get();
      // Abandoned: nobody pulls again. close() waits for the running tasks, reads no more input.
      pool.close();
      assertThat(running).hasValue(0);
      assertThat(endless.read.get()).isEqualTo(readBefore).isLessThanOrEqualTo(Pool.DEFAULT_WINDOW);
      // Buffered results are still there, but no new task starts on a closed pool.
      assertThatThrownBy(
              () -> {
                while (true) {
                  it.next();
                }
              })
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
    }
  }

  @Test
  void theInputIsNotTouchedUntilTheStreamIsConsumed() {
    AtomicInteger iteratorCalls = new AtomicInteger();
    Iterable<Integer> items =
        () -> {
          iteratorCalls.incrementAndGet();
          return List.of(1, 2).iterator();
        };
    try (Pool pool = Pool.virtual();
        Stream<Integer> results = pool.stream(items, i -> i)) {
      assertThat(iteratorCalls).hasValue(0);
      assertThat(results.toList()).containsExactly(1, 2);
      assertThat(iteratorCalls).hasValue(1);
    }
  }

  @Test
  void aSlowHeadItemDoesNotStallTheItemsBehindIt() {
    int behind = 2_000;
    // The head finishes only once every item behind it has finished: the stream can end only if
    // ordered output keeps the others running while the head is slow.
    CountDownLatch othersDone = new CountDownLatch(behind);
    try (Pool pool = Pool.virtual();
        Stream<Integer> results =
            pool.stream(
                IntStream.rangeClosed(0, behind).boxed().toList(),
                i -> {
                  if (i == 0) {
                    assertThat(othersDone.await(60, TimeUnit.SECONDS)).isTrue();
                  } else {
                    othersDone.countDown();
                  }
                  return i;
                })) {
      assertThat(results.toList()).isEqualTo(IntStream.rangeClosed(0, behind).boxed().toList());
    }
  }
}
