package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.parmap.observe.ContextPropagator;
import dev.parmap.observe.ProgressListener;
import java.time.Duration;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.RandomAccess;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Promises of the Javadoc that adversarial programs broke: each test is named after the promise and
 * guards a call that used to hang or lose outcomes with a generous bound, so that a regression
 * fails the test instead of hanging the build.
 */
class ContractRegressionTest {

  /** Generous bound for a call that must end by itself: a regression shows up as a timeout. */
  private static final long BOUND_SECONDS = 30;

  static List<PoolKind> kinds() {
    return PoolKind.all();
  }

  /**
   * Runs {@code body} on its own thread and returns what it returned or threw, within the bound.
   */
  private static <V> V withinBound(Callable<V> body) throws Exception {
    CompletableFuture<V> result = new CompletableFuture<>();
    Thread thread =
        Thread.ofPlatform()
            .name("test-bounded")
            .start(
                () -> {
                  try {
                    result.complete(body.call());
                  } catch (Throwable e) {
                    result.completeExceptionally(e);
                  }
                });
    try {
      return result.get(BOUND_SECONDS, TimeUnit.SECONDS);
    } finally {
      thread.interrupt(); // only matters after a timeout: lets a hung body end
      thread.join(TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
    }
  }

  /** Runs {@code body} within the bound and returns what it threw, or null. */
  private static Throwable thrownWithinBound(Callable<?> body) throws Exception {
    return withinBound(
        () -> {
          try {
            body.call();
            return null;
          } catch (Throwable e) {
            return e;
          }
        });
  }

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  /** A propagator whose snapshot and scope run the given hooks. */
  private static ContextPropagator propagator(Runnable onApply, Runnable onClose) {
    return () ->
        () -> {
          onApply.run();
          return onClose::run;
        };
  }

  /** Blocks until interrupted (bounded), then rethrows the interruption. */
  private static Integer blockUntilInterrupted() throws InterruptedException {
    new CountDownLatch(1).await(BOUND_SECONDS * 2, TimeUnit.SECONDS);
    throw new AssertionError("the item was never interrupted");
  }

  // ---------------------------------------------------------------------------------------------
  // 1. A context propagator that fails

  @ParameterizedTest
  @MethodSource("kinds")
  void aScopeThatFailsToCloseFailsTheCallAndLeavesThePoolClosable(PoolKind kind) throws Exception {
    ContextPropagator failingClose =
        propagator(
            () -> {},
            () -> {
              throw new IllegalStateException("cannot restore");
            });
    Pool pool = kind.create(2);
    Throwable thrown =
        thrownWithinBound(
            () ->
                pool.with(MapOptions.builder().propagate(failingClose).build())
                    .map(range(20), i -> i));
    assertThat(thrown).isInstanceOf(ParmapException.class).hasRootCauseMessage("cannot restore");
    assertThat(thrownWithinBound(() -> terminate(pool))).isNull();
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void anErrorFromApplyFailsTheCallAndLeavesThePoolClosable(PoolKind kind) throws Exception {
    ContextPropagator failingApply =
        propagator(
            () -> {
              throw new AssertionError("cannot apply");
            },
            () -> {});
    Pool pool = kind.create(2);
    Throwable thrown =
        thrownWithinBound(
            () ->
                pool.with(MapOptions.builder().propagate(failingApply).build())
                    .map(range(20), i -> i));
    assertThat(thrown).isInstanceOf(TaskFailedException.class);
    assertThat(thrown.getCause()).isInstanceOf(AssertionError.class).hasMessage("cannot apply");
    assertThat(thrownWithinBound(() -> terminate(pool))).isNull();
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void everyScopeIsClosedEvenIfAnotherOneFailsToClose(PoolKind kind) throws Exception {
    AtomicInteger applied = new AtomicInteger();
    AtomicInteger closed = new AtomicInteger();
    ContextPropagator counting = propagator(applied::incrementAndGet, closed::incrementAndGet);
    ContextPropagator failingClose =
        propagator(
            () -> {},
            () -> {
              throw new IllegalStateException("cannot restore");
            });
    MapOptions options = MapOptions.builder().propagate(counting).propagate(failingClose).build();
    try (Pool pool = kind.create(2)) {
      Throwable thrown = thrownWithinBound(() -> pool.with(options).map(range(20), i -> i));
      assertThat(thrown).hasRootCauseMessage("cannot restore");
    }
    assertThat(closed.get()).isPositive().isEqualTo(applied.get());
  }

  private static Void terminate(Pool pool) {
    pool.terminate();
    return null;
  }

  // ---------------------------------------------------------------------------------------------
  // 2. Outcomes when the context fails on a chunk of several items

  /** Fails its {@code n}th apply(), counted over the whole call. */
  private static ContextPropagator failingOnApplyNumber(int n) {
    AtomicInteger applies = new AtomicInteger();
    return propagator(
        () -> {
          if (applies.incrementAndGet() == n) {
            throw new IllegalStateException("apply #" + n + " fails");
          }
        },
        () -> {});
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void mapOutcomesHasOneOutcomePerItemWhenTheContextFailsOnAChunk(PoolKind kind) throws Exception {
    int n = 20_000;
    MapOptions options = MapOptions.builder().propagate(failingOnApplyNumber(40)).build();
    try (Pool pool = kind.create(2)) {
      Outcomes<Integer, Integer> outcomes =
          withinBound(() -> pool.with(options).mapOutcomes(range(n), i -> i));
      assertThat(outcomes.all()).hasSize(n).doesNotContainNull();
      for (int i = 0; i < n; i++) {
        assertThat(outcomes.all().get(i).index()).isEqualTo(i);
      }
      assertThat(outcomes.failures())
          .isNotEmpty()
          .allSatisfy(f -> assertThat(f.cause()).hasMessage("apply #40 fails"));
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void streamOutcomesHasOneOutcomePerItemWhenTheContextFailsOnAChunk(PoolKind kind)
      throws Exception {
    int n = 20_000;
    MapOptions options = MapOptions.builder().propagate(failingOnApplyNumber(40)).build();
    try (Pool pool = kind.create(2)) {
      List<Outcome<Integer, Integer>> outcomes =
          withinBound(
              () -> {
                try (Stream<Outcome<Integer, Integer>> stream =
                    pool.with(options).streamOutcomes(range(n), i -> i)) {
                  return stream.toList();
                }
              });
      assertThat(outcomes).hasSize(n);
      for (int i = 0; i < n; i++) {
        assertThat(outcomes.get(i).index()).isEqualTo(i);
      }
      assertThat(outcomes).anyMatch(o -> !o.isSuccess());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 3. An Error from ProgressListener.onStart

  private static final ProgressListener FAILING_ON_START =
      call -> {
        throw new AssertionError("onStart fails");
      };

  static List<Function<Pool, Object>> blockingCalls() {
    return List.of(
        pool -> pool.map(range(10), i -> i),
        pool -> {
          pool.forEach(range(10), i -> {});
          return "forEach";
        },
        pool -> pool.mapOutcomes(range(10), i -> i),
        pool -> pool.mapAsync(range(10), i -> i).join());
  }

  @ParameterizedTest
  @MethodSource("blockingCalls")
  void anErrorFromOnStartIsThrownAndThePoolStaysClosable(Function<Pool, Object> call)
      throws Exception {
    Pool pool = Pool.virtual();
    MapOptions options = MapOptions.builder().listener(FAILING_ON_START).build();
    Throwable thrown = thrownWithinBound(() -> call.apply(pool.with(options)));
    if (thrown instanceof CompletionException wrapped) {
      thrown = wrapped.getCause();
    }
    assertThat(thrown).isInstanceOf(AssertionError.class).hasMessage("onStart fails");
    assertThat(thrownWithinBound(() -> close(pool))).isNull();
  }

  private static Void close(Pool pool) {
    pool.close();
    return null;
  }

  // ---------------------------------------------------------------------------------------------
  // 4. The stop reaches running tasks from whichever thread notices it

  /** A pool whose every thread is busy once one task runs, and what to do after it is closed. */
  record Saturated(String name, Callable<Pool> factory, Runnable afterClose) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Saturated> saturatedKinds() {
    ExecutorService single =
        Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("test-single-", 0).daemon(true).factory());
    return List.of(
        new Saturated("threads(1)", () -> Pool.threads(1), () -> {}),
        new Saturated("virtual(1)", () -> Pool.virtual(1), () -> {}),
        new Saturated("using(single thread)", () -> Pool.using(single), single::shutdown));
  }

  @ParameterizedTest
  @MethodSource("saturatedKinds")
  void aDeadlineInterruptsTheItemANestedCallerRunsInline(Saturated kind) throws Exception {
    MapOptions deadline = MapOptions.builder().deadline(Duration.ofMillis(300)).build();
    Pool pool = kind.factory().call();
    try {
      Throwable thrown =
          thrownWithinBound(
              () ->
                  pool.map(
                      List.of(0),
                      outer -> pool.with(deadline).map(range(2), i -> blockUntilInterrupted())));
      assertThat(thrown).isInstanceOf(TaskFailedException.class);
      assertThat(thrown.getCause()).isInstanceOf(DeadlineExceededException.class);
    } finally {
      pool.close();
      kind.afterClose().run();
    }
  }

  @Test
  void aFailingSiblingInterruptsTheItemANestedCallerRunsInline() throws Exception {
    try (Pool pool = Pool.threads(2)) {
      CountDownLatch blockerStarted = new CountDownLatch(1);
      Throwable thrown =
          thrownWithinBound(
              () ->
                  pool.map(
                      List.of(0, 1),
                      outer -> {
                        if (outer == 1) {
                          return List.of(); // frees its thread for the nested call's chunks
                        }
                        return pool.map(
                            range(2),
                            i -> {
                              if (i == 0) {
                                blockerStarted.countDown();
                                return blockUntilInterrupted();
                              }
                              blockerStarted.await(BOUND_SECONDS, TimeUnit.SECONDS);
                              throw new IllegalStateException("sibling fails");
                            });
                      }));
      assertThat(thrown).isInstanceOf(TaskFailedException.class);
      assertThat(thrown).hasRootCauseMessage("sibling fails");
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void aDeadlineInterruptsRunningItemsWhileTheInputBlocks(PoolKind kind) throws Exception {
    CountDownLatch itemInterrupted = new CountDownLatch(1);
    AtomicBoolean interruptedBeforeInputReturned = new AtomicBoolean();
    Iterable<Integer> input =
        () ->
            new Iterator<>() {
              private int read;

              @Override
              public boolean hasNext() {
                if (read == 0) {
                  return true;
                }
                try {
                  interruptedBeforeInputReturned.set(
                      itemInterrupted.await(BOUND_SECONDS, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                return false;
              }

              @Override
              public Integer next() {
                if (read > 0) {
                  throw new NoSuchElementException();
                }
                return read++;
              }
            };
    MapOptions deadline = MapOptions.builder().deadline(Duration.ofMillis(200)).build();
    try (Pool pool = kind.create(2)) {
      Throwable thrown =
          thrownWithinBound(
              () ->
                  pool.with(deadline)
                      .map(
                          input,
                          i -> {
                            try {
                              return blockUntilInterrupted();
                            } catch (InterruptedException e) {
                              itemInterrupted.countDown();
                              throw e;
                            }
                          }));
      assertThat(thrown).isInstanceOf(DeadlineExceededException.class);
      assertThat(interruptedBeforeInputReturned).isTrue();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 5. An ordered stream over a slow input

  @ParameterizedTest
  @MethodSource("kinds")
  void anOrderedStreamHandsOverDoneResultsWhileASlowInputIsRead(PoolKind kind) throws Exception {
    AtomicInteger read = new AtomicInteger();
    // An endless input that gives one item per millisecond (a slow source, not synchronisation).
    Iterable<Integer> slow =
        () ->
            new Iterator<>() {
              @Override
              public boolean hasNext() {
                return true;
              }

              @Override
              public Integer next() {
                try {
                  Thread.sleep(1);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                return read.getAndIncrement();
              }
            };
    try (Pool pool = kind.create(2)) {
      Integer found =
          withinBound(
              () -> {
                try (Stream<Integer> results = pool.stream(slow, i -> i)) {
                  return results.filter(i -> i == 100).findFirst().orElseThrow();
                }
              });
      assertThat(found).isEqualTo(100);
      // Before the fix, about 16,000 items were read: chunks grew toward the window and were
      // filled before any done result was handed over.
      assertThat(read.get()).isLessThan(2_000);
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void anOrderedStreamHandsOverDoneResultsWhileASlowInputIsReadAfterASlowFirstItem(PoolKind kind)
      throws Exception {
    AtomicInteger read = new AtomicInteger();
    // One item per millisecond; the first item's task takes 20 ms (its work, not synchronisation),
    // so the call first takes the items for slow ones and reads them one per chunk.
    Iterable<Integer> slow =
        () ->
            new Iterator<>() {
              @Override
              public boolean hasNext() {
                return true;
              }

              @Override
              public Integer next() {
                try {
                  Thread.sleep(1);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                return read.getAndIncrement();
              }
            };
    try (Pool pool = kind.create(2)) {
      Integer found =
          withinBound(
              () -> {
                Task<Integer, Integer> task =
                    i -> {
                      if (i == 0) {
                        Thread.sleep(20);
                      }
                      return i;
                    };
                try (Stream<Integer> results = pool.stream(slow, task)) {
                  return results.filter(i -> i == 100).findFirst().orElseThrow();
                }
              });
      assertThat(found).isEqualTo(100);
      // Before the fix, the whole window was read: chunks of one item never counted as a slow
      // input, so the driver read on without taking completions in.
      assertThat(read.get()).isLessThan(2_000);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 9. The input is read once, by one thread at a time

  /** A random-access list that records who reads it and fails at one index. */
  private static final class WatchedList extends AbstractList<Integer> implements RandomAccess {
    final int size;
    final int failingIndex;
    final Set<Thread> readers = ConcurrentHashMap.newKeySet();
    final AtomicInteger readingNow = new AtomicInteger();
    final AtomicBoolean overlapped = new AtomicBoolean();

    WatchedList(int size, int failingIndex) {
      this.size = size;
      this.failingIndex = failingIndex;
    }

    @Override
    public Integer get(int index) {
      if (readingNow.incrementAndGet() > 1) {
        overlapped.set(true);
      }
      try {
        readers.add(Thread.currentThread());
        if (index == failingIndex) {
          throw new IllegalStateException("cannot read #" + index);
        }
        return index;
      } finally {
        readingNow.decrementAndGet();
      }
    }

    @Override
    public int size() {
      return size;
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void aRandomAccessListIsReadByTheCallersThreadOnly(PoolKind kind) {
    WatchedList list = new WatchedList(10_000, -1);
    try (Pool pool = kind.create(4)) {
      List<Integer> results = pool.map(list, i -> i * 2);
      assertThat(results).hasSize(10_000).startsWith(0, 2, 4).endsWith(19_998);
    }
    assertThat(list.readers).containsExactly(Thread.currentThread());
    assertThat(list.overlapped).isFalse();
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void aRandomAccessListThatFailsToReadIsAnInputFailure(PoolKind kind) {
    WatchedList list = new WatchedList(20, 5);
    try (Pool pool = kind.create(4)) {
      Throwable thrown = catchThrowable(() -> pool.map(list, i -> i));
      assertThat(thrown).isInstanceOf(InputFailedException.class).hasMessageContaining("5");
      assertThat(((InputFailedException) thrown).index()).isEqualTo(5);
      assertThat(thrown.getCause()).hasMessage("cannot read #5");
    }
  }

  @Test
  void aStreamOverARandomAccessListReadsItOnTheConsumersThread() {
    WatchedList list = new WatchedList(5_000, -1);
    List<Integer> results = new ArrayList<>();
    try (Pool pool = Pool.virtual();
        Stream<Integer> stream = pool.stream(list, i -> i)) {
      stream.forEach(results::add);
    }
    assertThat(results).isEqualTo(range(5_000));
    assertThat(list.readers).containsExactly(Thread.currentThread());
  }
}
