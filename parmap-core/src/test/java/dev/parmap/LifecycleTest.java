package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Pools: submit, mapAsync, close, terminate, using, and the closed state. */
class LifecycleTest {

  static List<PoolKind> pools() {
    return PoolKind.all();
  }

  @ParameterizedTest
  @MethodSource("pools")
  void everyCallOnAClosedPoolThrowsIllegalStateException(PoolKind kind) {
    Pool pool = kind.create(2);
    pool.close();
    assertThat(pool.isClosed()).isTrue();
    List<Integer> items = List.of(1);
    assertThatThrownBy(() -> pool.map(items, i -> i))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed pool");
    assertThatThrownBy(() -> pool.forEach(items, i -> {}))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> pool.stream(items, i -> i)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> pool.streamUnordered(items, i -> i))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> pool.mapAsync(items, i -> i))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> pool.submit(() -> 1)).isInstanceOf(IllegalStateException.class);
    pool.close(); // a second close is harmless
  }

  @Test
  void aTerminatedPoolRefusesWorkToo() {
    Pool pool = Pool.threads(1);
    pool.terminate();
    assertThatThrownBy(() -> pool.map(List.of(1), i -> i))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed pool");
  }

  @ParameterizedTest
  @MethodSource("pools")
  void submitRunsTheTaskAndCompletesTheFuture(PoolKind kind) throws Exception {
    try (Pool pool = kind.create(2)) {
      assertThat(pool.submit(() -> "done").get(30, TimeUnit.SECONDS)).isEqualTo("done");
      CompletableFuture<Object> failing =
          pool.submit(
              () -> {
                throw new java.io.IOException("no");
              });
      assertThatThrownBy(() -> failing.get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(java.io.IOException.class)
          .hasMessage("no");
    }
  }

  @ParameterizedTest
  @MethodSource("pools")
  void closeWaitsForSubmittedTasks(PoolKind kind) throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean finished = new AtomicBoolean();
    Pool pool = kind.create(2);
    CompletableFuture<String> future =
        pool.submit(
            () -> {
              started.countDown();
              assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
              finished.set(true);
              return "late";
            });
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    Thread closer = Thread.ofPlatform().start(pool::close);
    // close() must still be waiting: the task cannot finish before it is released.
    org.awaitility.Awaitility.await()
        .atMost(30, TimeUnit.SECONDS)
        .until(() -> closer.getState() == Thread.State.WAITING);
    assertThat(finished).isFalse();
    release.countDown();
    closer.join();
    assertThat(finished).isTrue();
    assertThat(future).isCompletedWithValue("late");
  }

  @Test
  void closeWaitsForCallsInProgressOnOtherThreads() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Pool pool = Pool.virtual();
    CompletableFuture<List<Integer>> call = new CompletableFuture<>();
    Thread caller =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    call.complete(
                        pool.map(
                            List.of(1, 2),
                            i -> {
                              running.countDown();
                              assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
                              return i;
                            }));
                  } catch (Throwable e) {
                    call.completeExceptionally(e);
                  }
                });
    assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
    Thread closer = Thread.ofPlatform().start(pool::close);
    org.awaitility.Awaitility.await()
        .atMost(30, TimeUnit.SECONDS)
        .until(() -> closer.getState() == Thread.State.WAITING);
    assertThat(call).isNotDone();
    release.countDown();
    closer.join();
    caller.join();
    assertThat(call).isCompletedWithValue(List.of(1, 2));
  }

  @ParameterizedTest
  @MethodSource("pools")
  void terminateInterruptsRunningWorkAndWaitsUntilItHasStopped(PoolKind kind) throws Exception {
    CountDownLatch running = new CountDownLatch(2);
    AtomicInteger interrupted = new AtomicInteger();
    Pool pool = kind.create(2);
    CompletableFuture<Object> submitted =
        pool.submit(
            () -> {
              running.countDown();
              try {
                new CountDownLatch(1).await();
              } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                throw e;
              }
              return "never";
            });
    CompletableFuture<List<Integer>> mapped =
        pool.mapAsync(
            List.of(1),
            i -> {
              running.countDown();
              try {
                new CountDownLatch(1).await();
              } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                throw e;
              }
              return i;
            });
    assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
    pool.terminate();
    assertThat(interrupted).hasValue(2);
    assertThat(submitted).isCancelled();
    assertThatThrownBy(() -> mapped.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(ParmapException.class)
        .hasMessageContaining("terminated");
  }

  @Test
  void cancellingASubmittedTaskInterruptsIt() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CompletableFuture<Boolean> sawInterrupt = new CompletableFuture<>();
    try (Pool pool = Pool.virtual()) {
      CompletableFuture<Object> future =
          pool.submit(
              () -> {
                running.countDown();
                try {
                  new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                  sawInterrupt.complete(true);
                }
                return "ignored";
              });
      assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(future.cancel(true)).isTrue();
      assertThat(sawInterrupt.get(30, TimeUnit.SECONDS)).isTrue();
      assertThatThrownBy(future::join).isInstanceOf(CancellationException.class);
    }
  }

  @Test
  void mapAsyncCompletesWithOrderedResults() throws Exception {
    try (Pool pool = Pool.threads(2)) {
      CompletableFuture<List<Integer>> future =
          pool.mapAsync(IntStream.range(0, 1000).boxed().toList(), i -> i * i);
      assertThat(future.get(30, TimeUnit.SECONDS))
          .isEqualTo(IntStream.range(0, 1000).map(i -> i * i).boxed().toList());
    }
  }

  @Test
  void mapAsyncFailsWithTheSameExceptionAsMap() {
    try (Pool pool = Pool.virtual()) {
      CompletableFuture<List<Integer>> future =
          pool.mapAsync(
              List.of(1, 2),
              i -> {
                if (i == 2) {
                  throw new IllegalStateException("two");
                }
                return i;
              });
      assertThatThrownBy(() -> future.get(30, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(TaskFailedException.class)
          .hasMessageContaining("#1");
    }
  }

  @Test
  void cancellingMapAsyncInterruptsItsTasksAndWaitsForThem() throws Exception {
    CountDownLatch running = new CountDownLatch(3);
    AtomicInteger ended = new AtomicInteger();
    Pool pool = Pool.virtual();
    CompletableFuture<List<Integer>> future =
        pool.mapAsync(
            List.of(1, 2, 3),
            i -> {
              running.countDown();
              try {
                new CountDownLatch(1).await();
                return i;
              } finally {
                ended.incrementAndGet();
              }
            });
    assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(future.cancel(true)).isTrue();
    assertThat(ended).hasValue(3); // cancel(true) returned after the tasks had ended
    pool.close();
  }

  @Test
  void usingLeavesTheExecutorRunning() throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(2);
    try {
      try (Pool pool = Pool.using(executor)) {
        assertThat(pool.map(List.of(1, 2, 3), i -> i + 1)).containsExactly(2, 3, 4);
      }
      assertThat(executor.isShutdown()).isFalse();
      assertThat(executor.submit(() -> "still works").get(30, TimeUnit.SECONDS))
          .isEqualTo("still works");
    } finally {
      executor.shutdownNow();
      assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void usingRejectsAnExecutorThatIsShutDown() {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    executor.shutdown();
    assertThatThrownBy(() -> Pool.using(executor))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shut down");
  }

  @Test
  void anExecutorShutDownUnderThePoolFailsTheCallClearly() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try (Pool pool = Pool.using(executor)) {
      executor.shutdown();
      assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      assertThatThrownBy(() -> pool.map(List.of(1, 2), i -> i))
          .isInstanceOf(ParmapException.class)
          .hasMessageContaining("could not start a task");
    }
  }

  @Test
  void closeFromInsideATaskOfThePoolIsRefused() throws Exception {
    try (Pool pool = Pool.virtual()) {
      List<String> messages =
          pool.map(
              List.of(1),
              i -> {
                try {
                  pool.close();
                  return "closed";
                } catch (IllegalStateException e) {
                  return e.getMessage();
                }
              });
      assertThat(messages.get(0)).contains("inside a task");
      assertThat(pool.isClosed()).isFalse();
    }
  }

  @Test
  void parmapLeavesNoPoolOpen() {
    // Parmap's pool is closed before it returns: a later call works the same (no shared state).
    assertThat(Parmap.map(List.of(1), i -> Thread.currentThread().getName()).get(0))
        .startsWith("parmap-virtual-");
    assertThat(Parmap.map(List.of(2), i -> i)).containsExactly(2);
  }

  @Test
  void toStringNamesTheKindOfPool() {
    try (Pool a = Pool.threads(3);
        Pool b = Pool.virtual();
        Pool c = Pool.virtual(5)) {
      assertThat(a).hasToString("Pool.threads(3)");
      assertThat(b).hasToString("Pool.virtual()");
      assertThat(c).hasToString("Pool.virtual(5)");
    }
  }

  @Test
  void closeReturnsOnlyOnceEveryMapAsyncFutureIsComplete() {
    for (int round = 0; round < 200; round++) {
      Pool pool = Pool.virtual();
      CompletableFuture<List<Integer>> future = pool.mapAsync(List.of(1, 2), x -> x);
      pool.close();
      assertThat(future).as("round %d", round).isCompletedWithValue(List.of(1, 2));
    }
  }

  @Test
  void aMapAsyncCancelledBeforeItStartsEndsCleanly() {
    for (int round = 0; round < 200; round++) {
      Pool pool = Pool.virtual();
      CompletableFuture<List<Integer>> future = pool.mapAsync(List.of(1, 2), x -> x);
      future.cancel(true);
      pool.close(); // must not wait for a call that never started
      assertThat(future).isDone();
    }
  }

  @Test
  void mapAsyncReportsAnInputFailureThroughTheFuture() {
    Iterable<Integer> broken =
        () -> {
          throw new IllegalStateException("no iterator");
        };
    try (Pool pool = Pool.virtual()) {
      CompletableFuture<List<Integer>> future = pool.mapAsync(broken, x -> x);
      assertThatThrownBy(() -> future.get(30, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(InputFailedException.class);
    }
  }
}
