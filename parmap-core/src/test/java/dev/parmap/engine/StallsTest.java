package dev.parmap.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parmap.TestAccess;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A chunk that stalls on a slow item hands the items after it on to other threads while the slow
 * item still runs ({@link Stalls}): checked with an item that waits until a later item of its own
 * chunk has run, which can only complete if another thread ran that later item. Chunks have a fixed
 * size here, so that both items are in one chunk for sure.
 */
class StallsTest {
  static {
    try {
      // The options reading is registered by Pool's static initializer (see SharedSecrets).
      java.lang.invoke.MethodHandles.lookup().ensureInitialized(dev.parmap.Pool.class);
    } catch (IllegalAccessException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final int CHUNK = 64;
  private static final int ITEMS = 10 * CHUNK;
  private static final int WAITING = CHUNK + 6; // in the second chunk
  private static final int AWAITED = CHUNK + 36; // later in the same chunk
  private static final int WINDOW = 4 * CHUNK;

  private final PoolTimer timer = new PoolTimer("stalls-test-");

  @AfterEach
  void endTimer() {
    timer.shutdown();
  }

  private PoolContext pool(int window) {
    return new PoolContext(
        "Pool.test",
        new Launcher.Virtual("stalls-test-chunk-", 2, 8, null),
        "stalls-test-",
        window,
        timer,
        new PoolWork(),
        Ticker.SYSTEM,
        TestAccess.types());
  }

  private static CallOptions options() {
    return SharedSecrets.callOptions(dev.parmap.MapOptions.defaults());
  }

  /** Item {@link #WAITING} waits until item {@link #AWAITED} has run; records their threads. */
  private static final class WaitsForALaterItem implements Work {
    final CountDownLatch awaitedRan = new CountDownLatch(1);
    final AtomicReference<Thread> waiter = new AtomicReference<>();
    final AtomicReference<Thread> awaited = new AtomicReference<>();

    @Override
    public Object apply(Object item) throws Exception {
      int i = (Integer) item;
      if (i == WAITING) {
        waiter.set(Thread.currentThread());
        if (!awaitedRan.await(60, TimeUnit.SECONDS)) { // a bound, not a synchronisation
          throw new IllegalStateException("item " + AWAITED + " never ran while " + i + " waited");
        }
      } else if (i == AWAITED) {
        awaited.set(Thread.currentThread());
        awaitedRan.countDown();
      }
      return i * 2;
    }

    void assertRanOnAnotherThread() {
      assertThat(awaited.get()).isNotNull().isNotSameAs(waiter.get());
    }
  }

  private static List<Integer> doubled() {
    return IntStream.range(0, ITEMS).map(i -> i * 2).boxed().toList();
  }

  @Test
  void anItemWaitingForALaterItemOfItsChunkCompletesInMap() {
    WaitsForALaterItem task = new WaitsForALaterItem();
    Run<Integer, Integer> run =
        new Run<>(
            pool(PoolContext.DEFAULT_WINDOW),
            new Input(IntStream.range(0, ITEMS).boxed().toList()),
            task,
            null,
            ChunkSizing.fixed(CHUNK),
            CallKind.MAP,
            "Pool.map",
            options());

    assertThat(run.toList()).isEqualTo(doubled());
    task.assertRanOnAnotherThread();
  }

  @Test
  void anItemWaitingForALaterItemOfItsChunkCompletesInAnOrderedStreamWithinTheWindow() {
    WaitsForALaterItem task = new WaitsForALaterItem();
    CountingInput input = new CountingInput(ITEMS);
    Run<Integer, Integer> run =
        new Run<>(
            pool(WINDOW),
            new Input(input),
            task,
            null,
            ChunkSizing.fixed(CHUNK),
            CallKind.STREAM,
            "Pool.stream",
            options());
    List<Integer> results = new ArrayList<>();
    try (Stream<Integer> stream = StreamSupport.stream(run.spliterator(), false)) {
      stream.forEach(
          result -> {
            results.add(result);
            input.handedOver++;
          });
    } finally {
      run.close();
    }

    assertThat(results).isEqualTo(doubled());
    task.assertRanOnAnotherThread();
    // The chunks that took over the stalled chunk's rest stayed in the window as its items did.
    assertThat(input.mostOutstanding).isLessThanOrEqualTo(WINDOW);
  }

  /**
   * 0, 1, ... as an iterator (so the call keeps a window), counting the items read and not yet
   * handed over. Read and consumed by the stream's driver, one thread.
   */
  private static final class CountingInput implements Iterable<Integer> {
    final int size;
    int read;
    int handedOver;
    int mostOutstanding;

    CountingInput(int size) {
      this.size = size;
    }

    @Override
    public Iterator<Integer> iterator() {
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return read < size;
        }

        @Override
        public Integer next() {
          if (read >= size) {
            throw new NoSuchElementException();
          }
          read++;
          mostOutstanding = Math.max(mostOutstanding, read - handedOver);
          return read - 1;
        }
      };
    }
  }

  @Test
  void anOverdueChunkFoundWhenNoChunkMayBeLaunchedIsTakenFromOnceOneMay() {
    Chunk chunk = new Chunk(0, 64, new Object[64], null, 0);
    chunk.claim(0, 7); // its runner claimed items 0 to 6 and stalls on item 6
    chunk.current = 6;
    chunk.startNanos = System.nanoTime() - TimeUnit.SECONDS.toNanos(10);
    List<int[]> handedOn = new ArrayList<>();
    int[] room = {0};
    Stalls.HandOn handOn =
        new Stalls.HandOn() {
          @Override
          public int room() {
            return room[0];
          }

          @Override
          public void handOn(Chunk from, int first, int end) {
            handedOn.add(new int[] {first, end});
          }
        };

    long next = Stalls.takeOverdueRests(List.of(chunk), 1, items -> 1_000_000, handOn);
    assertThat(handedOn).as("no room in flight: nothing taken yet").isEmpty();
    assertThat(next).as("the driver looks again (the chunk may wait for its rest)").isPositive();

    room[0] = 1; // a chunk that ended was taken back
    Stalls.takeOverdueRests(List.of(chunk), 1, items -> 1_000_000, handOn);
    assertThat(handedOn).hasSize(1);
    assertThat(handedOn.get(0)).containsExactly(7, 64);
    assertThat(chunk.unclaimedCount()).isZero();
  }
}
