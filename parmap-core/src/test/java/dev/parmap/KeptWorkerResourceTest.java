package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parmap.WorkerResourceTest.Exclusive;
import dev.parmap.WorkerResourceTest.Tracker;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Worker resources kept by the pool: shared by its calls, closed when the pool closes. */
class KeptWorkerResourceTest {
  private static final int CONCURRENCY = 3;

  static List<PoolKind> pools() {
    return PoolKind.all();
  }

  private static List<Integer> items(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  private static MapOptions atMost(int concurrency) {
    return MapOptions.builder().maxConcurrency(concurrency).build();
  }

  @ParameterizedTest
  @MethodSource("pools")
  void callsOneAfterTheOtherReuseTheResourcesAndThePoolClosesThem(PoolKind kind) {
    Tracker tracker = new Tracker();
    WorkerResource<Exclusive> kept = WorkerResource.of(tracker::create).keptByPool();
    Set<Exclusive> used = ConcurrentHashMap.newKeySet();
    try (Pool pool = kind.create(CONCURRENCY)) {
      for (int call = 0; call < 5; call++) {
        List<Integer> results =
            pool.with(atMost(CONCURRENCY))
                .map(
                    items(5_000),
                    kept.task(
                        (Exclusive resource, Integer item) -> {
                          used.add(resource);
                          Thread.yield(); // let the tasks interleave
                          return resource.use(item);
                        }));
        assertThat(results).hasSize(5_000).startsWith(0, 2).endsWith(9_998);
        assertThat(tracker.closed.get()).as("closed when call %d ended", call).isZero();
      }
      assertThat(tracker.created.get()).isBetween(1, CONCURRENCY);
      assertThat(tracker.open).hasSize(tracker.created.get());
    }
    assertThat(used).hasSize(tracker.created.get());
    tracker.assertAllClosed();
  }

  @Test
  void callsAtTheSameTimeShareAtMostThePoolsThreadsAndUseEachResourceOneTaskAtATime()
      throws Exception {
    Tracker tracker = new Tracker();
    WorkerResource<Exclusive> kept = WorkerResource.of(tracker::create).keptByPool();
    CyclicBarrier together = new CyclicBarrier(2);
    try (Pool pool = Pool.threads(2)) {
      Task<Integer, Integer> task =
          kept.task(
              (Exclusive resource, Integer item) -> {
                Thread.yield();
                return resource.use(item);
              });
      CompletableFuture<List<Integer>> other =
          CompletableFuture.supplyAsync(
              () -> {
                await(together);
                return pool.map(items(20_000), task);
              });
      await(together);
      List<Integer> mine = pool.with(MapOptions.defaults()).map(items(20_000), task);
      assertThat(mine).hasSize(20_000).endsWith(39_998);
      assertThat(other.get(2, TimeUnit.MINUTES)).hasSize(20_000).endsWith(39_998);
      assertThat(tracker.created.get()).isBetween(1, 2);
      assertThat(tracker.closed.get()).isZero();
    }
    tracker.assertAllClosed();
  }

  @Test
  void aFailedCallLeavesItsResourcesToTheNextCall() {
    Tracker tracker = new Tracker();
    WorkerResource<Exclusive> kept = WorkerResource.of(tracker::create).keptByPool();
    try (Pool pool = Pool.threads(1)) { // one resource, whatever the timing
      assertThatThrownBy(
              () ->
                  pool.forEach(
                      items(1_000),
                      kept.action(
                          (Exclusive resource, Integer item) -> {
                            resource.use(item);
                            if (item == 500) {
                              throw new IOException("item 500");
                            }
                          })))
          .isInstanceOf(TaskFailedException.class)
          .hasRootCauseMessage("item 500");
      int afterTheFailure = tracker.created.get();
      assertThat(afterTheFailure).isEqualTo(1);
      assertThat(tracker.closed.get()).isZero();

      pool.forEach(items(1_000), kept.action(Exclusive::use));
      assertThat(tracker.created.get()).isEqualTo(afterTheFailure);
    }
    tracker.assertAllClosed();
  }

  @Test
  void anotherDescriptionOfTheSameFactoryHasResourcesOfItsOwn() {
    Tracker tracker = new Tracker();
    WorkerResource<Exclusive> kept = WorkerResource.of(tracker::create).keptByPool();
    WorkerResource<Exclusive> alsoKept = WorkerResource.of(tracker::create).keptByPool();
    try (Pool pool = Pool.threads(1)) {
      pool.map(items(10), kept.task(Exclusive::use));
      pool.map(items(10), alsoKept.task(Exclusive::use));
      pool.map(items(10), kept.keptByPool().task(Exclusive::use)); // the same object
      assertThat(tracker.created.get()).isEqualTo(2);
    }
    tracker.assertAllClosed();
  }

  @Test
  void aCloseThatThrowsMakesThePoolsCloseThrowAfterClosingTheOthers() {
    AtomicInteger closes = new AtomicInteger();
    AtomicInteger made = new AtomicInteger();
    WorkerResource<Integer> kept =
        WorkerResource.<Integer>of(
                made::incrementAndGet,
                resource -> {
                  closes.incrementAndGet();
                  throw new IOException("close of resource " + resource);
                })
            .keptByPool();
    Pool pool = Pool.threads(2);
    pool.map(items(1_000), kept.<Integer, Integer>task((resource, item) -> item));
    assertThatThrownBy(pool::close)
        .isInstanceOf(ParmapException.class)
        .hasMessageContaining("worker resource kept by")
        .hasCauseInstanceOf(IOException.class);
    assertThat(closes.get()).isEqualTo(made.get());
    pool.close(); // once closed, closed: nothing left to close
    assertThat(closes.get()).isEqualTo(made.get());
  }

  @Test
  void parmapsOwnPoolPerCallClosesThemWhenTheCallEnds() {
    Tracker tracker = new Tracker();
    WorkerResource<Exclusive> kept = WorkerResource.of(tracker::create).keptByPool();
    assertThat(Parmap.map(items(1_000), kept.task(Exclusive::use))).hasSize(1_000);
    assertThat(tracker.created.get()).isPositive();
    tracker.assertAllClosed();
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await(1, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
