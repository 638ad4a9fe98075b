package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parmap.observe.CallStats;
import dev.parmap.observe.ProgressListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What the futures of {@code mapAsync} and {@code submit} promise: cancel, join, close. */
class FutureContractTest {

  static List<PoolKind> pools() {
    return PoolKind.all();
  }

  static List<PoolKind> virtualPools() {
    return PoolKind.all().stream().filter(kind -> kind.toString().startsWith("virtual")).toList();
  }

  /** Blocks until interrupted; the interruption propagates. */
  private static void blockUntilInterrupted() throws InterruptedException {
    new CountDownLatch(1).await();
  }

  @ParameterizedTest
  @MethodSource("pools")
  void cancellingMapAsyncFromOneOfItsOwnTasksDoesNotWaitForItself(PoolKind kind) throws Exception {
    // A grace longer than the test's bound: waiting for itself would show.
    MapOptions options = MapOptions.builder().cancellationGrace(Duration.ofSeconds(45)).build();
    CompletableFuture<CompletableFuture<List<Integer>>> self = new CompletableFuture<>();
    CountDownLatch othersRunning = new CountDownLatch(2);
    CountDownLatch cancelReturned = new CountDownLatch(1);
    AtomicInteger ended = new AtomicInteger();
    Pool pool = kind.create(4).with(options);
    try {
      CompletableFuture<List<Integer>> future =
          pool.mapAsync(
              List.of(0, 1, 2),
              i -> {
                try {
                  if (i == 0) {
                    assertThat(othersRunning.await(60, TimeUnit.SECONDS)).isTrue();
                    self.get(60, TimeUnit.SECONDS).cancel(true);
                    cancelReturned.countDown();
                    return i;
                  }
                  othersRunning.countDown();
                  blockUntilInterrupted();
                  return i;
                } finally {
                  ended.incrementAndGet();
                }
              });
      self.complete(future);
      assertThat(cancelReturned.await(30, TimeUnit.SECONDS))
          .as("cancel(true) from a task of the call returned without waiting the grace")
          .isTrue();
      assertThatThrownBy(future::join).isInstanceOf(CancellationException.class);
    } finally {
      pool.close();
    }
    assertThat(ended).as("close() waited for every task").hasValue(3);
  }

  @ParameterizedTest
  @MethodSource("pools")
  void closeWaitsForAMapAsyncTaskThatIgnoredItsCancellation(PoolKind kind) throws Exception {
    MapOptions options = MapOptions.builder().cancellationGrace(Duration.ofMillis(100)).build();
    CountDownLatch stubbornRunning = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean stubbornEnded = new AtomicBoolean();
    Pool pool = kind.create(2).with(options);
    CompletableFuture<List<Integer>> future =
        pool.mapAsync(
            List.of(1),
            i -> {
              stubbornRunning.countDown();
              try {
                while (!release.await(60, TimeUnit.SECONDS)) {
                  // keeps waiting
                }
              } catch (InterruptedException e) {
                // ignores the interruption of cancel(true): the kind of task Java cannot stop
                while (true) {
                  try {
                    if (release.await(60, TimeUnit.SECONDS)) {
                      break;
                    }
                  } catch (InterruptedException again) {
                    // still ignored
                  }
                }
              } finally {
                stubbornEnded.set(true);
              }
              return i;
            });
    assertThat(stubbornRunning.await(60, TimeUnit.SECONDS)).isTrue();
    assertThat(future.cancel(true)).isTrue(); // returns after the 100 ms grace
    AtomicBoolean endedWhenCloseReturned = new AtomicBoolean();
    CountDownLatch closed = new CountDownLatch(1);
    Thread closer =
        Thread.ofPlatform()
            .name("test-closer")
            .start(
                () -> {
                  pool.close();
                  endedWhenCloseReturned.set(stubbornEnded.get());
                  closed.countDown();
                });
    try {
      // Give a close() that does not wait the time to return; one that waits stays blocked.
      closed.await(2, TimeUnit.SECONDS);
    } finally {
      release.countDown();
    }
    assertThat(closed.await(60, TimeUnit.SECONDS)).isTrue();
    closer.join();
    assertThat(endedWhenCloseReturned)
        .as("the stubborn task had ended when close() returned")
        .isTrue();
  }

  @ParameterizedTest
  @MethodSource("virtualPools")
  void submitJoinReturnsOnlyOnceTheTaskThreadHasEnded(PoolKind kind) throws Exception {
    try (Pool pool = kind.create(4)) {
      for (int round = 0; round < 300; round++) {
        CompletableFuture<Thread> future = pool.submit(Thread::currentThread);
        Thread thread =
            switch (round % 3) {
              case 0 -> future.join();
              case 1 -> future.get();
              default -> future.get(60, TimeUnit.SECONDS);
            };
        assertThat(thread.isAlive()).as("round %d: the task's thread is alive", round).isFalse();
      }
    }
  }

  @ParameterizedTest
  @MethodSource("pools")
  void mapAsyncJoinReturnsOnlyOnceItsThreadHasEnded(PoolKind kind) throws Exception {
    AtomicReference<@Nullable Thread> driver = new AtomicReference<>();
    ProgressListener listener =
        ProgressListener.onFinish(
            (CallStats stats) ->
                driver.set(Thread.currentThread())); // the observer runs on the driving thread
    try (Pool pool = kind.create(4).with(MapOptions.builder().listener(listener).build())) {
      for (int round = 0; round < 300; round++) {
        CompletableFuture<List<Integer>> future = pool.mapAsync(List.of(1, 2, 3), i -> i);
        List<Integer> results =
            switch (round % 3) {
              case 0 -> future.join();
              case 1 -> future.get();
              default -> future.get(60, TimeUnit.SECONDS);
            };
        assertThat(results).containsExactly(1, 2, 3);
        Thread thread = driver.get();
        assertThat(thread).isNotNull();
        assertThat(thread.isAlive()).as("round %d: mapAsync's thread is alive", round).isFalse();
      }
    }
  }
}
