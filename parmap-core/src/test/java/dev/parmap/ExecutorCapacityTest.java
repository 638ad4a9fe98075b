package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Pool#using} follows the executor's real capacity: a {@link ThreadPoolExecutor} that hands
 * tasks over through a {@link SynchronousQueue} accepts only as many as it has threads, and a
 * rejection while the pool has work running is backpressure, not a failure.
 */
class ExecutorCapacityTest {

  private static final List<Integer> ITEMS = IntStream.range(0, 200).boxed().toList();
  private static final List<Integer> SQUARES = ITEMS.stream().map(i -> i * i).toList();

  private static ThreadPoolExecutor handOff(int threads) {
    return new ThreadPoolExecutor(
        threads,
        threads,
        0,
        TimeUnit.MILLISECONDS,
        new SynchronousQueue<>(),
        Thread.ofPlatform().name("test-handoff-", 0).daemon(true).factory());
  }

  private static void shutDown(ThreadPoolExecutor executor) throws InterruptedException {
    executor.shutdownNow();
    assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4, 16})
  void mapOnSynchronousQueueExecutorFollowsItsRealCapacity(int threads) throws Exception {
    ThreadPoolExecutor executor = handOff(threads);
    try (Pool pool = Pool.using(executor)) {
      for (int round = 0; round < 5; round++) {
        assertThat(pool.map(ITEMS, i -> i * i)).isEqualTo(SQUARES); // cheap items
        assertThat(
                pool.map(
                    ITEMS,
                    i -> {
                      Thread.sleep(1); // blocking items
                      return i * i;
                    }))
            .isEqualTo(SQUARES);
        assertThat(pool.stream(ITEMS, i -> i * i).toList()).isEqualTo(SQUARES);
        List<CompletableFuture<List<Integer>>> async = new ArrayList<>();
        for (int call = 0; call < 3; call++) {
          async.add(pool.mapAsync(ITEMS, i -> i * i)); // calls at once share the capacity
        }
        for (CompletableFuture<List<Integer>> future : async) {
          assertThat(future.get(60, TimeUnit.SECONDS)).isEqualTo(SQUARES);
        }
      }
    } finally {
      shutDown(executor);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4})
  void submitOnASynchronousQueueExecutorWaitsForRoom(int threads) throws Exception {
    ThreadPoolExecutor executor = handOff(threads);
    try (Pool pool = Pool.using(executor)) {
      List<CompletableFuture<Integer>> futures = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        int item = i;
        futures.add(pool.submit(() -> item * item));
      }
      for (int i = 0; i < futures.size(); i++) {
        assertThat(futures.get(i).get(60, TimeUnit.SECONDS)).isEqualTo(i * i);
      }
    } finally {
      shutDown(executor);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void anExecutorFullOfSomeoneElsesWorkFailsTheCallClearly(int threads) throws Exception {
    ThreadPoolExecutor executor = handOff(threads);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch busy = new CountDownLatch(threads);
    try {
      for (int i = 0; i < threads; i++) {
        executor.execute(
            () -> {
              busy.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
      }
      assertThat(busy.await(30, TimeUnit.SECONDS)).isTrue();
      try (Pool pool = Pool.using(executor)) {
        assertThatThrownBy(() -> pool.map(ITEMS, i -> i))
            .isInstanceOf(ParmapException.class)
            .hasMessageContaining("could not start a task")
            .hasCauseInstanceOf(RejectedExecutionException.class);
        CompletableFuture<Integer> submitted = pool.submit(() -> 1);
        assertThatThrownBy(() -> submitted.get(60, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(RejectedExecutionException.class);
      }
    } finally {
      release.countDown();
      shutDown(executor);
    }
  }
}
