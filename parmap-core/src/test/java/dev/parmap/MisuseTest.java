package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.parmap.testing.Stress;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.AbstractCollection;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.RandomAccess;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Misuse and bad input: each case fails with the exact, helpful error the contract promises, or
 * works, and never hangs or leaks. (Nulls, closed pools, {@code close()} from a task, a throwing
 * {@code hasNext}, {@code Error}s and nested calls of one kind are in ArgumentsTest, LifecycleTest,
 * FailFastTest and NestedCallTest; this covers the rest, on every entry point and kind of pool.)
 */
class MisuseTest {

  /** The entry points that read an {@code Iterable}, made to return what they hand over. */
  enum Entry {
    MAP,
    FOR_EACH,
    STREAM,
    STREAM_UNORDERED,
    MAP_ASYNC;

    /** Runs the call; returns the results (for forEach and unordered streams, sorted). */
    List<Integer> run(Pool pool, Iterable<Integer> items, Task<Integer, Integer> task)
        throws Exception {
      switch (this) {
        case MAP:
          return pool.map(items, task);
        case FOR_EACH:
          {
            List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
            Action<Integer> action = task == null ? null : item -> seen.add(task.apply(item));
            pool.forEach(items, action);
            return seen.stream().sorted().toList();
          }
        case STREAM:
          try (Stream<Integer> results = pool.stream(items, task)) {
            return results.toList();
          }
        case STREAM_UNORDERED:
          try (Stream<Integer> results = pool.streamUnordered(items, task)) {
            return results.sorted().toList();
          }
        case MAP_ASYNC:
          try {
            return pool.mapAsync(items, task).get(60, TimeUnit.SECONDS);
          } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException unchecked) {
              throw unchecked; // what map would have thrown
            }
            throw e;
          }
      }
      throw new AssertionError(this);
    }
  }

  static List<Arguments> entriesAndPools() {
    List<Arguments> all = new ArrayList<>();
    for (Entry entry : Entry.values()) {
      for (PoolKind kind : PoolKind.all()) {
        all.add(Arguments.of(entry, kind));
      }
    }
    return all;
  }

  // ---------------------------------------------------------------------------------------------
  // The input

  /**
   * An iterator that lies once it is exhausted: {@code hasNext()} says {@code true} again and
   * {@code next()} returns -1. It counts every question asked after its first {@code false}.
   */
  static final class LyingIterable implements Iterable<Integer> {
    final int size;
    final AtomicInteger askedAfterEnd = new AtomicInteger();
    final AtomicInteger iterators = new AtomicInteger();

    LyingIterable(int size) {
      this.size = size;
    }

    @Override
    public Iterator<Integer> iterator() {
      iterators.incrementAndGet();
      return new Iterator<>() {
        int next;
        boolean ended;

        @Override
        public boolean hasNext() {
          if (ended) {
            askedAfterEnd.incrementAndGet();
            return true;
          }
          if (next == size) {
            ended = true;
            return false;
          }
          return true;
        }

        @Override
        public Integer next() {
          if (ended) {
            askedAfterEnd.incrementAndGet();
            return -1;
          }
          return next++;
        }
      };
    }
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("entriesAndPools")
  void theInputIsAskedNothingMoreOnceItsIteratorHasSaidItHasNoMore(Entry entry, PoolKind kind)
      throws Exception {
    for (int size : new int[] {0, 1, 3, 5_000}) {
      LyingIterable items = new LyingIterable(size);
      try (Pool pool = kind.create(4)) {
        List<Integer> results = entry.run(pool, items, i -> i);
        assertThat(results)
            .as("size %d", size)
            .isEqualTo(IntStream.range(0, size).boxed().toList());
      }
      assertThat(items.askedAfterEnd).as("questions after the end, size %d", size).hasValue(0);
      assertThat(items.iterators).hasValue(1);
    }
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("entriesAndPools")
  void anIteratorWhoseNextThrowsFailsTheCallWithThePositionAndStopsTheWorkInFlight(
      Entry entry, PoolKind kind) throws Exception {
    CountDownLatch firstRunning = new CountDownLatch(1);
    AtomicBoolean firstInterrupted = new AtomicBoolean();
    AtomicInteger running = new AtomicInteger();
    NoSuchElementException broken = new NoSuchElementException("the file was truncated");
    Iterable<Integer> items =
        () ->
            new Iterator<>() {
              int i;

              @Override
              public boolean hasNext() {
                return true; // and then next() fails: a reader that hit a truncated file
              }

              @Override
              public Integer next() {
                if (i == 2) {
                  try {
                    // Fail only once item 0 runs, so that there is work in flight to stop.
                    assertThat(firstRunning.await(30, TimeUnit.SECONDS)).isTrue();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  throw broken;
                }
                return i++;
              }
            };
    Task<Integer, Integer> task =
        i -> {
          running.incrementAndGet();
          try {
            if (i == 0) {
              firstRunning.countDown();
              try {
                new CountDownLatch(1).await(60, TimeUnit.SECONDS);
                throw new AssertionError("item 0 was not interrupted");
              } catch (InterruptedException e) {
                firstInterrupted.set(true);
                throw e;
              }
            }
            return i;
          } finally {
            running.decrementAndGet();
          }
        };
    try (Pool pool = kind.create(4)) {
      InputFailedException failure =
          catchThrowableOfType(InputFailedException.class, () -> entry.run(pool, items, task));
      assertThat(running).as("tasks running when the failure was thrown").hasValue(0);
      assertThat(failure.index()).isEqualTo(2);
      assertThat(failure.getCause()).isSameAs(broken);
      assertThat(failure).hasMessageContaining("#2").hasMessageContaining("truncated");
      assertThat(firstInterrupted).isTrue();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Tasks

  /** Recurses until the stack overflows, for real. */
  static int recurse(int depth) {
    return depth == Integer.MIN_VALUE ? depth : recurse(depth + 1) + 1;
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("entriesAndPools")
  void aRealStackOverflowInATaskIsReportedAndThePoolStaysUsable(Entry entry, PoolKind kind)
      throws Exception {
    try (Pool pool = kind.create(4)) {
      TaskFailedException failure =
          catchThrowableOfType(
              TaskFailedException.class,
              () ->
                  entry.run(
                      pool, IntStream.range(0, 10).boxed().toList(), i -> i == 7 ? recurse(0) : i));
      assertThat(failure.index()).isEqualTo(7);
      assertThat(failure.item()).isEqualTo(7);
      assertThat(failure.getCause()).isInstanceOf(StackOverflowError.class);
      // The thread that overflowed is fine afterwards, and so is the pool.
      assertThat(entry.run(pool, List.of(1, 2, 3), i -> i * 2)).containsExactly(2, 4, 6);
    }
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("entriesAndPools")
  void aTaskThatThrowsInterruptedExceptionOnItsOwnFailsTheCallAndTheCallerIsNotInterrupted(
      Entry entry, PoolKind kind) {
    InterruptedException own = new InterruptedException("the task gave up on its own");
    try (Pool pool = kind.create(4)) {
      TaskFailedException failure =
          catchThrowableOfType(
              TaskFailedException.class,
              () ->
                  entry.run(
                      pool,
                      IntStream.range(0, 100).boxed().toList(),
                      i -> {
                        if (i == 42) {
                          throw own;
                        }
                        return i;
                      }));
      assertThat(failure.index()).isEqualTo(42);
      assertThat(failure.getCause()).isSameAs(own);
      assertThat(Thread.interrupted()).as("the caller's interrupt flag").isFalse();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The pool from inside its own tasks

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("entriesAndPools")
  void closeAndTerminateFromInsideATaskAreRefusedAndTheCallCompletes(Entry entry, PoolKind kind)
      throws Exception {
    try (Pool pool = kind.create(4)) {
      List<String> messages = Collections.synchronizedList(new ArrayList<>());
      List<Integer> results =
          entry.run(
              pool,
              List.of(0, 1),
              i -> {
                try {
                  if (i == 0) {
                    pool.close();
                  } else {
                    pool.terminate();
                  }
                  messages.add("not refused");
                } catch (IllegalStateException e) {
                  messages.add(e.getMessage());
                }
                return i;
              });
      assertThat(results).containsExactly(0, 1);
      assertThat(messages)
          .hasSize(2)
          .anySatisfy(
              m ->
                  assertThat(m)
                      .isEqualTo(
                          "close() called from inside a task of "
                              + pool
                              + ": it would wait for its own task; close the pool from the thread"
                              + " that made it"))
          .anySatisfy(
              m ->
                  assertThat(m)
                      .isEqualTo(
                          "terminate() called from inside a task of "
                              + pool
                              + ": it would wait for its own task"));
      assertThat(pool.isClosed()).isFalse();
      assertThat(entry.run(pool, List.of(5), i -> i)).containsExactly(5);
    }
  }

  @Test
  void aViewAndItsBaseAreOnePoolForNestedCallsAndCloseFromInsideATask() throws Exception {
    MapOptions options = MapOptions.builder().cancellationGrace(Duration.ofSeconds(1)).build();
    // Nested calls between a view and its base, on the one thread of the pool.
    List<List<Integer>> nested =
        Stress.within(
            Duration.ofSeconds(30),
            "a nested call from a view's task on its base",
            () -> {
              try (Pool base = Pool.threads(1)) {
                Pool view = base.with(options);
                return view.map(List.of(1, 2), i -> base.map(List.of(10, 20), j -> i * j));
              }
            });
    assertThat(nested).containsExactly(List.of(10, 20), List.of(20, 40));
    List<List<Integer>> reverse =
        Stress.within(
            Duration.ofSeconds(30),
            "a nested call from the base's task on a view",
            () -> {
              try (Pool base = Pool.threads(1)) {
                Pool view = base.with(options);
                return base.map(List.of(1, 2), i -> view.map(List.of(10, 20), j -> i * j));
              }
            });
    assertThat(reverse).containsExactly(List.of(10, 20), List.of(20, 40));
    // close() of the base from a task of a view: refused, as from a task of the base itself.
    String message =
        Stress.within(
            Duration.ofSeconds(30),
            "close() of the base from a view's task",
            () -> {
              try (Pool base = Pool.virtual()) {
                Pool view = base.with(options);
                return view.map(
                        List.of(1),
                        i -> {
                          try {
                            base.close();
                            return "not refused";
                          } catch (IllegalStateException e) {
                            return e.getMessage();
                          }
                        })
                    .get(0);
              }
            });
    assertThat(message).contains("inside a task");
  }

  @Test
  void nestedCallsOfEveryKindThreeLevelsDeepOnASingleThreadPoolFinish() throws Exception {
    for (Pool pool : List.of(Pool.threads(1), Pool.virtual(1))) {
      try (pool) {
        int sum =
            Stress.within(
                Duration.ofSeconds(60),
                "nested calls on " + pool,
                () ->
                    pool
                        .map(
                            List.of(0, 1, 2),
                            i -> {
                              try (Stream<Integer> level2 =
                                  pool.stream(
                                      List.of(0, 1, 2),
                                      j -> {
                                        AtomicInteger level3 = new AtomicInteger();
                                        pool.forEach(
                                            List.of(0, 1, 2),
                                            k ->
                                                level3.addAndGet(
                                                    pool
                                                        .mapAsync(List.of(i, j, k), x -> x)
                                                        .get(30, TimeUnit.SECONDS)
                                                        .stream()
                                                        .mapToInt(Integer::intValue)
                                                        .sum()));
                                        return level3.get();
                                      })) {
                                return level2.mapToInt(Integer::intValue).sum();
                              }
                            })
                        .stream()
                        .mapToInt(Integer::intValue)
                        .sum());
        // Every (i, j, k) in {0,1,2}^3 contributes i + j + k: 27 triples, each value 9 times.
        assertThat(sum).as(pool.toString()).isEqualTo(81);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Abandoned streams

  /** An endless input of numbers. */
  static Iterable<Integer> endless(AtomicLong read) {
    return () ->
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return true;
          }

          @Override
          public Integer next() {
            return (int) read.getAndIncrement();
          }
        };
  }

  @Test
  void streamsAbandonedWithoutClosingLetTheirTasksFinishStartNoMoreAndHoldAWindowEach()
      throws Exception {
    int streams = 50;
    AtomicInteger running = new AtomicInteger();
    AtomicLong started = new AtomicLong();
    List<AtomicLong> reads = new ArrayList<>();
    try (Pool pool = Pool.virtual()) {
      for (int s = 0; s < streams; s++) {
        AtomicLong read = new AtomicLong();
        reads.add(read);
        Stream<Integer> results =
            pool.stream(
                endless(read),
                x -> {
                  running.incrementAndGet();
                  started.incrementAndGet();
                  try {
                    return x;
                  } finally {
                    running.decrementAndGet();
                  }
                });
        Iterator<Integer> it = results.iterator();
        assertThat(it.next()).isZero();
        // Abandoned: never pulled again, never closed.
      }
      // Every item read was launched with its chunk: the tasks of those items run to their end.
      // Nothing else is read (only a pull reads), so nothing else ever starts.
      long readInAll = reads.stream().mapToLong(AtomicLong::get).sum();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> started.get() == readInAll && running.get() == 0);
      assertThat(reads.stream().mapToLong(AtomicLong::get).sum()).isEqualTo(readInAll);
      for (AtomicLong read : reads) {
        assertThat(read.get()).isBetween(1L, (long) Pool.DEFAULT_WINDOW);
      }
    } // close() returns: it waits for the (finished) tasks of abandoned streams only
  }

  @Test
  void aStreamDroppedWithoutClosingCanBeCollected() throws Exception {
    List<WeakReference<byte[]>> produced = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger running = new AtomicInteger();
    try (Pool pool = Pool.virtual()) {
      for (int s = 0; s < 20; s++) {
        Stream<byte[]> stream =
            pool.stream(
                endless(new AtomicLong()),
                x -> {
                  running.incrementAndGet();
                  try {
                    byte[] result = new byte[1024];
                    produced.add(new WeakReference<>(result));
                    return result;
                  } finally {
                    running.decrementAndGet();
                  }
                });
        assertThat(stream.iterator().next()).hasSize(1024);
        // The stream is dropped here without close(): its results not yet consumed are garbage.
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> running.get() == 0);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (produced.stream().anyMatch(r -> r.get() != null) && System.nanoTime() < deadline) {
        System.gc();
        Thread.sleep(10); // waiting for the collector, not for parmap
      }
      assertThat(produced.stream().filter(r -> r.get() != null).count())
          .as("results of dropped streams still reachable, of %d", produced.size())
          .isZero();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Huge inputs (the long form of the stress suite runs Integer.MAX_VALUE + 10 items for real)

  @Test
  void mapRefusesMoreResultsThanAListCanHoldBeforeReadingAnything() {
    assertThatThrownBy(() -> Parmap.map(Collections.nCopies(Integer.MAX_VALUE, 1), i -> i))
        .isExactlyInstanceOf(ParmapException.class)
        .hasMessage(
            "Pool.map cannot return more than 2147483639 results in a list; use Pool.stream or"
                + " Pool.forEach for inputs this large");
    AtomicLong read = new AtomicLong();
    AbstractCollection<Integer> huge =
        new AbstractCollection<>() {
          @Override
          public Iterator<Integer> iterator() {
            Iterator<Integer> all = endless(read).iterator();
            return new Iterator<>() {
              @Override
              public boolean hasNext() {
                return true;
              }

              @Override
              public Integer next() {
                if (read.get() > 1_000_000) {
                  throw new AssertionError("read a million items of an input it cannot return");
                }
                return all.next();
              }
            };
          }

          @Override
          public int size() {
            return Integer.MAX_VALUE;
          }
        };
    assertThatThrownBy(() -> Parmap.map(huge, i -> i))
        .isExactlyInstanceOf(ParmapException.class)
        .hasMessageContaining("cannot return more than 2147483639 results");
    assertThat(read).hasValue(0);
  }

  /** The numbers 0..size-1 as a random-access list held by no array. */
  static final class Indexes extends AbstractList<Integer> implements RandomAccess {
    private final int size;

    Indexes(int size) {
      this.size = size;
    }

    @Override
    public Integer get(int index) {
      return index;
    }

    @Override
    public int size() {
      return size;
    }
  }

  @Test
  void inputsOfIntegerMaxValueItemsAreReadLazilyByStreamsAndForEach() {
    List<Integer> huge = new Indexes(Integer.MAX_VALUE);
    try (Pool pool = Pool.virtual()) {
      try (Stream<Integer> results = pool.stream(huge, x -> x + 1)) {
        assertThat(results.limit(5).toList()).containsExactly(1, 2, 3, 4, 5);
      }
      try (Stream<Integer> results = pool.streamUnordered(huge, x -> x * 2)) {
        assertThat(results.limit(3).toList()).hasSize(3).allMatch(r -> r % 2 == 0);
      }
      TaskFailedException failure =
          catchThrowableOfType(
              TaskFailedException.class,
              () ->
                  pool.forEach(
                      huge,
                      x -> {
                        if (x == 100_000) {
                          throw new IllegalStateException("enough");
                        }
                      }));
      assertThat(failure.index()).isEqualTo(100_000L);
      assertThat(failure.item()).isEqualTo(100_000);
      assertThat(failure.getCause()).hasMessage("enough");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Arguments

  @ParameterizedTest
  @EnumSource(Entry.class)
  @SuppressWarnings("NullAway") // passing null on purpose
  void everyEntryPointNamesANullArgument(Entry entry) {
    try (Pool pool = Pool.virtual()) {
      assertThatThrownBy(() -> entry.run(pool, null, i -> i))
          .isExactlyInstanceOf(NullPointerException.class)
          .hasMessage("items must not be null");
      assertThatThrownBy(() -> entry.run(pool, List.of(1), null))
          .isExactlyInstanceOf(NullPointerException.class)
          .hasMessage(
              entry == Entry.FOR_EACH ? "action must not be null" : "task must not be null");
    }
  }

  @Test
  @SuppressWarnings("NullAway") // passing null on purpose
  void outcomesAndViewsNameANullArgumentToo() {
    try (Pool pool = Pool.virtual()) {
      assertThatThrownBy(() -> pool.mapOutcomes(null, i -> i)).hasMessage("items must not be null");
      assertThatThrownBy(() -> pool.mapOutcomes(List.of(1), null))
          .hasMessage("task must not be null");
      assertThatThrownBy(() -> pool.streamOutcomes(null, i -> i))
          .hasMessage("items must not be null");
      assertThatThrownBy(() -> pool.streamOutcomes(List.of(1), null))
          .hasMessage("task must not be null");
      assertThatThrownBy(() -> pool.with(null))
          .isExactlyInstanceOf(NullPointerException.class)
          .hasMessage("options must not be null");
    }
  }
}
