package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.parmap.policy.Retry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Per-worker resources: created lazily, used by one task at a time, all closed at the end. */
class WorkerResourceTest {
  private static final int CONCURRENCY = 3;

  static List<PoolKind> pools() {
    return PoolKind.all();
  }

  /** Creates resources that fail if two tasks use one at once, or if used after their close. */
  static final class Tracker {
    final AtomicInteger created = new AtomicInteger();
    final Set<Exclusive> open = ConcurrentHashMap.newKeySet();
    final AtomicInteger closed = new AtomicInteger();

    Exclusive create() {
      created.incrementAndGet();
      Exclusive resource = new Exclusive(this);
      open.add(resource);
      return resource;
    }

    void assertAllClosed() {
      assertThat(open).as("resources left open").isEmpty();
      assertThat(closed.get()).isEqualTo(created.get());
    }
  }

  static final class Exclusive implements AutoCloseable {
    private final Tracker tracker;
    private final AtomicBoolean inUse = new AtomicBoolean();
    private volatile boolean isClosed;

    Exclusive(Tracker tracker) {
      this.tracker = tracker;
    }

    int use(int item) {
      if (!inUse.compareAndSet(false, true)) {
        throw new IllegalStateException("used by two tasks at once");
      }
      try {
        if (isClosed) {
          throw new IllegalStateException("used after its close");
        }
        return item * 2;
      } finally {
        inUse.set(false);
      }
    }

    @Override
    public void close() {
      if (inUse.get() || isClosed) {
        throw new IllegalStateException("closed while in use, or twice");
      }
      isClosed = true;
      tracker.open.remove(this);
      tracker.closed.incrementAndGet();
    }
  }

  private static Pool limited(PoolKind kind) {
    return kind.create(CONCURRENCY);
  }

  private static MapOptions atMost(int concurrency) {
    return MapOptions.builder().maxConcurrency(concurrency).build();
  }

  private static List<Integer> items(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  @ParameterizedTest
  @MethodSource("pools")
  void eachResourceServesOneTaskAtATimeAndNoMoreAreCreatedThanTasksRunAtOnce(PoolKind kind) {
    Tracker tracker = new Tracker();
    try (Pool pool = limited(kind)) {
      for (int round = 0; round < 5; round++) {
        tracker.created.set(0);
        tracker.closed.set(0);
        List<Integer> results =
            pool.with(atMost(CONCURRENCY))
                .mapWith(
                    items(20_000),
                    tracker::create,
                    (resource, item) -> {
                      Thread.yield(); // let the tasks interleave
                      return resource.use(item);
                    });
        assertThat(results).hasSize(20_000).startsWith(0, 2, 4).endsWith(39_998);
        assertThat(tracker.created.get()).isBetween(1, CONCURRENCY);
        tracker.assertAllClosed();
      }
    }
  }

  @ParameterizedTest
  @MethodSource("pools")
  void resourcesAreReusedAcrossChunksWhenItemsAreSlow(PoolKind kind) {
    Tracker tracker = new Tracker();
    Set<Exclusive> used = ConcurrentHashMap.newKeySet();
    try (Pool pool = limited(kind).with(atMost(2))) {
      List<Integer> results =
          pool.mapWith(
              items(200),
              tracker::create,
              (resource, item) -> {
                used.add(resource);
                Thread.sleep(1); // slow items: one per chunk, so many chunks reuse each resource
                return resource.use(item);
              });
      assertThat(results).hasSize(200);
    }
    assertThat(tracker.created.get()).isBetween(1, 2);
    assertThat(used).hasSizeBetween(1, 2);
    tracker.assertAllClosed();
  }

  @Test
  void aCallWithNoItemsCreatesNoResource() {
    Tracker tracker = new Tracker();
    try (Pool pool = Pool.virtual()) {
      assertThat(pool.mapWith(List.<Integer>of(), tracker::create, Exclusive::use)).isEmpty();
      assertThat(
              pool.stream(
                  List.<Integer>of(), WorkerResource.of(tracker::create).task(Exclusive::use)))
          .isEmpty();
    }
    assertThat(tracker.created.get()).isZero();
  }

  @ParameterizedTest
  @MethodSource("pools")
  void everyResourceIsClosedWhenATaskFails(PoolKind kind) {
    Tracker tracker = new Tracker();
    try (Pool pool = limited(kind).with(atMost(CONCURRENCY))) {
      TaskFailedException failure =
          catchThrowableOfType(
              TaskFailedException.class,
              () ->
                  pool.mapWith(
                      items(5_000),
                      tracker::create,
                      (resource, item) -> {
                        if (item == 2_500) {
                          throw new IOException("item 2500");
                        }
                        return resource.use(item);
                      }));
      assertThat(failure.getCause()).hasMessage("item 2500");
      tracker.assertAllClosed();
    }
  }

  @ParameterizedTest
  @MethodSource("pools")
  void everyResourceIsClosedWhenTheDeadlinePasses(PoolKind kind) {
    Tracker tracker = new Tracker();
    CountDownLatch never = new CountDownLatch(1);
    MapOptions options =
        MapOptions.builder().maxConcurrency(CONCURRENCY).deadline(Duration.ofMillis(100)).build();
    try (Pool pool = limited(kind).with(options)) {
      assertThatThrownBy(
              () ->
                  pool.mapWith(
                      items(50),
                      tracker::create,
                      (resource, item) -> {
                        resource.use(item);
                        return never.await(1, TimeUnit.MINUTES); // until the deadline interrupts
                      }))
          .isInstanceOf(DeadlineExceededException.class);
      assertThat(tracker.created.get()).isBetween(1, CONCURRENCY);
      tracker.assertAllClosed();
    }
  }

  @ParameterizedTest
  @MethodSource("pools")
  void everyResourceIsClosedWhenAStreamIsShortCircuited(PoolKind kind) {
    Tracker tracker = new Tracker();
    WorkerResource<Exclusive> resource = WorkerResource.of(tracker::create);
    try (Pool pool = limited(kind).with(atMost(CONCURRENCY))) {
      List<Integer> first =
          pool.stream(items(1_000_000), resource.task(Exclusive::use)).limit(10).toList();
      assertThat(first).containsExactly(0, 2, 4, 6, 8, 10, 12, 14, 16, 18);
      tracker.assertAllClosed();

      try (Stream<Integer> unordered =
          pool.streamUnordered(items(1_000_000), resource.task(Exclusive::use))) {
        assertThat(unordered.iterator().next()).isNotNull();
      }
      tracker.assertAllClosed();
    }
  }

  @ParameterizedTest
  @MethodSource("pools")
  void everyResourceIsClosedWhenTheCallerIsInterrupted(PoolKind kind) throws Exception {
    Tracker tracker = new Tracker();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    try (Pool pool = limited(kind).with(atMost(CONCURRENCY))) {
      Thread caller =
          Thread.ofPlatform()
              .name("test-caller")
              .start(
                  () -> {
                    try {
                      pool.mapWith(
                          items(20),
                          tracker::create,
                          (resource, item) -> {
                            resource.use(item);
                            started.countDown();
                            return never.await(1, TimeUnit.MINUTES);
                          });
                      outcome.complete(null);
                    } catch (Throwable e) {
                      outcome.complete(e);
                    }
                  });
      assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
      caller.interrupt();
      assertThat(outcome.get(30, TimeUnit.SECONDS)).isInstanceOf(CallInterruptedException.class);
      caller.join(TimeUnit.SECONDS.toMillis(30));
      tracker.assertAllClosed();
    }
  }

  @Test
  void everyResourceIsClosedWhenAFutureIsCancelled() throws Exception {
    Tracker tracker = new Tracker();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    try (Pool pool = Pool.virtual(CONCURRENCY)) {
      CompletableFuture<List<Boolean>> future =
          pool.mapAsync(
              items(20),
              WorkerResource.of(tracker::create)
                  .task(
                      (resource, item) -> {
                        resource.use(item);
                        started.countDown();
                        return never.await(1, TimeUnit.MINUTES);
                      }));
      assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
      future.cancel(true);
    } // close() waits for the call's thread, which closes the resources before it ends
    tracker.assertAllClosed();
  }

  @ParameterizedTest
  @MethodSource("pools")
  void aFactoryThatThrowsFailsTheItemThatNeededItWithTheFactorysException(PoolKind kind) {
    try (Pool pool = limited(kind)) {
      TaskFailedException failure =
          catchThrowableOfType(
              TaskFailedException.class,
              () ->
                  pool.mapWith(
                      items(100),
                      () -> {
                        throw new IOException("no connection");
                      },
                      (Object resource, Integer item) -> item));
      assertThat(failure.getCause()).isInstanceOf(IOException.class).hasMessage("no connection");
      assertThat(failure.index()).isBetween(0L, 99L);
    }
  }

  @Test
  void aFactoryThatThrowsIsRetriedAsTheTaskIs() {
    Tracker tracker = new Tracker();
    AtomicInteger calls = new AtomicInteger();
    MapOptions retry =
        MapOptions.builder()
            .maxConcurrency(1)
            .retry(
                Retry.builder()
                    .maxAttempts(3)
                    .backoff(Duration.ofMillis(1), Duration.ofMillis(1))
                    .build())
            .build();
    try (Pool pool = Pool.threads(2).with(retry)) {
      List<Integer> results =
          pool.mapWith(
              items(10),
              () -> {
                if (calls.incrementAndGet() < 3) {
                  throw new IOException("not yet");
                }
                return tracker.create();
              },
              Exclusive::use);
      assertThat(results).containsExactly(0, 2, 4, 6, 8, 10, 12, 14, 16, 18);
    }
    assertThat(calls.get()).isEqualTo(3);
    assertThat(tracker.created.get()).isEqualTo(1);
    tracker.assertAllClosed();
  }

  @Test
  void withOutcomesEachItemThatNeededAResourceFailsWithTheFactorysException() {
    try (Pool pool = Pool.threads(2)) {
      Outcomes<Integer, Integer> outcomes =
          pool.mapOutcomes(
              items(5),
              WorkerResource.<Object>of(
                      () -> {
                        throw new IOException("no connection");
                      })
                  .task((resource, item) -> item));
      assertThat(outcomes.failures()).hasSize(5);
      assertThat(outcomes.failures())
          .allSatisfy(f -> assertThat(f.cause()).isInstanceOf(IOException.class));
    }
  }

  @Test
  void aFactoryThatReturnsNullFailsTheItemWithANullPointerException() {
    try (Pool pool = Pool.virtual()) {
      TaskFailedException failure =
          catchThrowableOfType(
              TaskFailedException.class,
              () -> pool.mapWith(items(3), () -> null, (Object resource, Integer item) -> item));
      assertThat(failure.getCause()).isInstanceOf(NullPointerException.class);
    }
  }

  @Test
  void aCloseThatThrowsFailsTheCallAfterClosingTheOthers() {
    AtomicInteger closes = new AtomicInteger();
    WorkerResource<Object> resource =
        WorkerResource.of(
            Object::new,
            made -> {
              closes.incrementAndGet();
              throw new IOException("close failed");
            });
    try (Pool pool = Pool.threads(2)) {
      assertThatThrownBy(() -> pool.map(items(1_000), resource.task((made, item) -> item)))
          .isInstanceOf(ParmapException.class)
          .isNotInstanceOf(TaskFailedException.class)
          .hasMessageContaining("worker resource")
          .cause()
          .hasMessage("close failed");
      assertThat(
              catchThrowableOfType(
                  ParmapException.class,
                  () -> pool.stream(items(1_000), resource.task((made, item) -> item)).count()))
          .hasRootCauseMessage("close failed");
      assertThat(
              catchThrowableOfType(
                  ParmapException.class,
                  () ->
                      pool.stream(items(100_000), resource.task((made, item) -> item))
                          .limit(10)
                          .toList()))
          .hasRootCauseMessage("close failed");
    }
    assertThat(closes.get()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void aCustomCloseIsUsedInsteadOfAutoCloseable() {
    Tracker tracker = new Tracker();
    AtomicInteger customCloses = new AtomicInteger();
    WorkerResource<Exclusive> resource =
        WorkerResource.of(
            tracker::create,
            made -> {
              customCloses.incrementAndGet();
              made.close();
            });
    assertThat(Parmap.map(items(100), resource.task(Exclusive::use))).hasSize(100);
    assertThat(customCloses.get()).isEqualTo(tracker.created.get());
    tracker.assertAllClosed();
  }

  @Test
  void appliedOutsideACallTheTaskCreatesAndClosesAResourceOfItsOwn() throws Exception {
    Tracker tracker = new Tracker();
    Task<Integer, Integer> task = WorkerResource.of(tracker::create).task(Exclusive::use);
    assertThat(task.apply(21)).isEqualTo(42);
    assertThat(tracker.created.get()).isEqualTo(1);
    tracker.assertAllClosed();
  }

  @ParameterizedTest
  @MethodSource("pools")
  void forEachWithGivesEachTaskAResourceOfItsOwnAndClosesThemAll(PoolKind kind) {
    Tracker tracker = new Tracker();
    AtomicInteger sum = new AtomicInteger();
    try (Pool pool = limited(kind).with(atMost(CONCURRENCY))) {
      pool.forEachWith(
          items(20_000),
          tracker::create,
          (resource, item) -> {
            Thread.yield(); // let the tasks interleave
            sum.addAndGet(resource.use(item));
          });
    }
    assertThat(sum.get()).isEqualTo(2 * (19_999 * 20_000 / 2));
    assertThat(tracker.created.get()).isBetween(1, CONCURRENCY);
    tracker.assertAllClosed();
  }

  @ParameterizedTest
  @MethodSource("pools")
  void forEachWithClosesEveryResourceWhenAnActionFails(PoolKind kind) {
    Tracker tracker = new Tracker();
    try (Pool pool = limited(kind).with(atMost(CONCURRENCY))) {
      TaskFailedException failure =
          catchThrowableOfType(
              TaskFailedException.class,
              () ->
                  pool.forEachWith(
                      items(5_000),
                      tracker::create,
                      (resource, item) -> {
                        if (item == 2_500) {
                          throw new IOException("item 2500");
                        }
                        resource.use(item);
                      }));
      assertThat(failure.index()).isEqualTo(2_500);
      assertThat(failure.getCause()).hasMessage("item 2500");
    }
    tracker.assertAllClosed();
  }

  @Test
  void anActionMadeByAWorkerResourceWorksWithParmapForEachAndOnItsOwn() throws Exception {
    Tracker tracker = new Tracker();
    AtomicInteger seen = new AtomicInteger();
    Action<Integer> action =
        WorkerResource.of(tracker::create)
            .action((resource, item) -> seen.addAndGet(resource.use(item)));
    Parmap.forEach(items(1_000), action);
    assertThat(seen.get()).isEqualTo(2 * (999 * 1_000 / 2));
    int createdByTheCall = tracker.created.get();
    assertThat(createdByTheCall).isPositive();
    tracker.assertAllClosed();

    action.accept(21); // outside a call: a resource of its own, closed at once
    assertThat(seen.get()).isEqualTo(2 * (999 * 1_000 / 2) + 42);
    assertThat(tracker.created.get()).isEqualTo(createdByTheCall + 1);
    tracker.assertAllClosed();
  }

  @Test
  void aFactoryThatThrowsFailsTheForEachItemThatNeededIt() {
    try (Pool pool = Pool.threads(2)) {
      TaskFailedException failure =
          catchThrowableOfType(
              TaskFailedException.class,
              () ->
                  pool.forEachWith(
                      items(10),
                      () -> {
                        throw new IOException("no connection");
                      },
                      (Object resource, Integer item) -> {}));
      assertThat(failure.getCause()).isInstanceOf(IOException.class).hasMessage("no connection");
    }
  }
}
