package dev.parmap.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parmap.MapOptions;
import dev.parmap.Outcome;
import dev.parmap.TaskFailedException;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Per-worker resources, the task held once per (call, member), and the member's per-item timeout,
 * on an embedded member in this JVM (so that the resources' counters are this test's).
 */
class ClusterResourcesTest {

  private static final List<Integer> ITEMS = IntStream.range(0, 300).boxed().toList();

  @BeforeEach
  void reset() {
    Tracked.CREATED.set(0);
    Tracked.CLOSED.set(0);
    Tracked.FAULTS.set(0);
    Tracked.failNextCreation.set(false);
    Tracked.closedOnce = new CountDownLatch(1);
    CountedTask.READS.set(0);
  }

  /** A resource that must be used by one task at a time, and closed once. */
  static final class Tracked implements AutoCloseable {
    static final AtomicInteger CREATED = new AtomicInteger();
    static final AtomicInteger CLOSED = new AtomicInteger();
    static final AtomicInteger FAULTS = new AtomicInteger(); // concurrent use, use after close
    static final AtomicBoolean failNextCreation = new AtomicBoolean();
    static volatile CountDownLatch closedOnce = new CountDownLatch(1);

    private final AtomicBoolean inUse = new AtomicBoolean();
    private volatile boolean closed;

    Tracked() throws IOException {
      if (failNextCreation.compareAndSet(true, false)) {
        throw new IOException("the factory failed");
      }
      CREATED.incrementAndGet();
    }

    int use(int item) {
      if (!inUse.compareAndSet(false, true) || closed) {
        FAULTS.incrementAndGet();
        throw new IllegalStateException("used by two tasks at once, or after its close");
      }
      try {
        long until = System.nanoTime() + 20_000;
        while (System.nanoTime() < until) {
          Thread.onSpinWait(); // a little work, so that an overlap would be seen
        }
        return item * 2;
      } finally {
        inUse.set(false);
      }
    }

    @Override
    public void close() {
      if (closed) {
        FAULTS.incrementAndGet();
      }
      closed = true;
      CLOSED.incrementAndGet();
      closedOnce.countDown();
    }
  }

  private static ClusterPool embedded(String name, UnaryOperator<ClusterConfig.Builder> more)
      throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    ClusterPool pool =
        ClusterPool.embedded(
            more.apply(
                    ClusterConfig.builder()
                        .clusterName(name)
                        .port(port)
                        .members("127.0.0.1:" + port)
                        .threads(2)
                        .fixedChunkSize(3))
                .build());
    assertThat(pool.memberCount()).isEqualTo(1);
    return pool;
  }

  private static List<Integer> doubled(List<Integer> items) {
    return items.stream().map(i -> i * 2).toList();
  }

  @Test
  void mapWithKeepsAResourcePerRunningChunkUsedByOneTaskAtATimeAndClosesThemAll()
      throws IOException {
    try (ClusterPool pool = embedded("resources-map", b -> b)) {
      List<Integer> results = pool.mapWith(ITEMS, Tracked::new, (Tracked t, Integer i) -> t.use(i));

      assertThat(results).isEqualTo(doubled(ITEMS));
      // 100 chunks, at most 2 running at once on the member's 2 threads.
      assertThat(Tracked.CREATED.get()).isBetween(1, 2);
      assertThat(Tracked.CLOSED.get())
          .as("closed before the call returned")
          .isEqualTo(Tracked.CREATED.get());
      assertThat(Tracked.FAULTS.get()).isZero();
    }
  }

  @Test
  void forEachWithKeepsTheResourcesOnTheMemberAsMapWithDoes() throws IOException {
    java.util.Set<Integer> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    SEEN.set(seen);
    try (ClusterPool pool = embedded("resources-foreach", b -> b)) {
      pool.forEachWith(ITEMS, Tracked::new, (Tracked t, Integer i) -> SEEN.get().add(t.use(i) / 2));

      assertThat(seen).hasSize(ITEMS.size());
      assertThat(Tracked.CREATED.get()).isBetween(1, 2);
      assertThat(Tracked.CLOSED.get()).isEqualTo(Tracked.CREATED.get());
      assertThat(Tracked.FAULTS.get()).isZero();
    } finally {
      SEEN.set(java.util.Set.of());
    }
  }

  /** What forEachWith's action saw, on the embedded member (this JVM). */
  private static final java.util.concurrent.atomic.AtomicReference<java.util.Set<Integer>> SEEN =
      new java.util.concurrent.atomic.AtomicReference<>(java.util.Set.of());

  @Test
  void resourcesAreClosedWhenTheCallFails() throws IOException {
    try (ClusterPool pool = embedded("resources-failure", b -> b)) {
      assertThatThrownBy(
              () ->
                  pool.mapWith(
                      ITEMS,
                      Tracked::new,
                      (Tracked t, Integer i) -> {
                        if (i == 100) {
                          throw new TestItems.Boom("item 100");
                        }
                        return t.use(i);
                      }))
          .isInstanceOf(TaskFailedException.class)
          .hasRootCauseMessage("item 100");

      assertThat(Tracked.CREATED.get()).isBetween(1, 2);
      assertThat(Tracked.CLOSED.get()).isEqualTo(Tracked.CREATED.get());
      assertThat(Tracked.FAULTS.get()).isZero();
    }
  }

  @Test
  void resourcesAreClosedWhenAStreamIsCutShort() throws IOException {
    ClusterResource<Tracked> tracked = ClusterResource.of(Tracked::new, Tracked::close);
    try (ClusterPool pool = embedded("resources-limit", b -> b)) {
      List<Integer> first;
      try (Stream<Integer> results =
          pool.stream(ITEMS, tracked.task((Tracked t, Integer i) -> t.use(i)))) {
        first = results.limit(5).toList();
      }

      assertThat(first).isEqualTo(doubled(ITEMS.subList(0, 5)));
      assertThat(Tracked.CREATED.get()).isBetween(1, 2);
      assertThat(Tracked.CLOSED.get()).isEqualTo(Tracked.CREATED.get());
    }
  }

  @Test
  void aFactoryThatThrowsFailsTheItemThatNeededTheResourceWithItsException() throws IOException {
    Tracked.failNextCreation.set(true);
    try (ClusterPool pool = embedded("resources-factory", b -> b)) {
      List<Outcome<Integer, Integer>> outcomes =
          pool.mapOutcomes(
                  ITEMS,
                  ClusterResource.<Tracked>of(Tracked::new)
                      .task((Tracked t, Integer i) -> t.use(i)))
              .all();

      assertThat(outcomes)
          .filteredOn(o -> !o.isSuccess())
          .singleElement()
          .satisfies(
              o ->
                  assertThat(((Outcome.Failure<Integer, Integer>) o).cause())
                      .isInstanceOf(IOException.class)
                      .hasMessage("the factory failed"));
      assertThat(Tracked.CLOSED.get()).isEqualTo(Tracked.CREATED.get());
    }
  }

  /** A task that counts how often a member reads it. */
  static final class CountedTask implements SerializableTask<Integer, Integer> {
    private static final long serialVersionUID = 1L;
    static final AtomicInteger READS = new AtomicInteger();

    @Override
    public Integer apply(Integer item) {
      return item + 1;
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      READS.incrementAndGet();
    }
  }

  @Test
  void theTaskIsSentOncePerCallAndMemberNotWithEveryChunk() throws IOException {
    try (ClusterPool pool = embedded("task-once", b -> b)) {
      List<Integer> results = pool.map(ITEMS, new CountedTask());

      assertThat(results).isEqualTo(ITEMS.stream().map(i -> i + 1).toList());
      // 100 chunks; the task travels only with those sent before the member's first answer (at
      // most its capacity: 2 threads and 1 queued), and is read once there.
      assertThat(CountedTask.READS.get()).isBetween(1, 3);
    }
  }

  /** Items 0 to 19; the 11th waits for {@code resume} before it is read. */
  private static Iterable<Integer> pausedAtTen(CountDownLatch resume) {
    return () ->
        new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            if (next == 10) {
              try {
                assertThat(resume.await(60, TimeUnit.SECONDS)).isTrue();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
              }
            }
            return next < 20;
          }

          @Override
          public Integer next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            return next++;
          }
        };
  }

  @Test
  void aMemberThatDroppedAnIdleCallClosesItsResourcesAndIsSentTheTaskAgain() throws Exception {
    CountDownLatch resume = new CountDownLatch(1);
    Thread.ofVirtual()
        .name("resume-after-drop")
        .start(
            () -> {
              try {
                // The member drops the call after a second without chunks: its resource closes.
                if (Tracked.closedOnce.await(60, TimeUnit.SECONDS)) {
                  resume.countDown();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    try (ClusterPool pool =
        embedded("task-lost", b -> b.chunkTimeout(Duration.ofSeconds(1)).fixedChunkSize(1))) {
      List<Integer> results =
          pool.mapWith(pausedAtTen(resume), Tracked::new, (Tracked t, Integer i) -> t.use(i));

      assertThat(results).isEqualTo(doubled(IntStream.range(0, 20).boxed().toList()));
      assertThat(Tracked.CREATED.get()).as("a resource made again after the drop").isGreaterThan(1);
      assertThat(Tracked.CLOSED.get()).isEqualTo(Tracked.CREATED.get());
    } finally {
      resume.countDown();
    }
  }

  @Test
  void theTimeoutCountsAnItemsRunTimeNotTheTimeItsChunkWaitedOnTheMember() throws IOException {
    // One thread, chunks of one item, and two chunks in flight: the second waits on the member
    // while the first runs. Each item runs 1.2 s; with the wait, 2.4 s from arrival: past the 2 s
    // timeout if the wait counted.
    try (ClusterPool pool = embedded("timeout-queue", b -> b.threads(1).fixedChunkSize(1))) {
      List<Integer> results =
          pool.with(MapOptions.builder().timeout(Duration.ofSeconds(2)).build())
              .map(
                  List.of(0, 1, 2),
                  (Integer i) -> {
                    Thread.sleep(1200);
                    return i;
                  });

      assertThat(results).containsExactly(0, 1, 2);
    }
  }
}
