package dev.parmap.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parmap.TestAccess;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When a completing chunk wakes the driver: each one where a result or a slot of concurrency is
 * waited for, and for cheap chunks of a call that returns at the end, only once few are left in
 * flight (a wake-up is a context switch on a core the chunks could use); a failure, a handed-back
 * rest and the last chunk always.
 */
class DriverWakeUpsTest {
  private static final int PARALLELISM = 2;

  private final PoolTimer timer = new PoolTimer("wake-test-");
  private final StopFlag stop = new StopFlag();
  private @Nullable Dispatch dispatch;

  @AfterEach
  void endTimer() {
    timer.shutdown();
  }

  private static Chunk chunk() {
    return new Chunk(0, 1, new Object[] {"item"}, null, 0);
  }

  @Test
  void aChunkWakesTheDriverOnlyWhenItLeavesFewEnoughInFlightUnlessItIsNews() {
    Chunk plain = chunk();
    assertThat(Dispatch.wakesDriver(5, false, 4, plain)).as("5 left, waits for 4").isFalse();
    assertThat(Dispatch.wakesDriver(4, false, 4, plain)).isTrue();
    assertThat(Dispatch.wakesDriver(5, false, Integer.MAX_VALUE, plain))
        .as("each completion")
        .isTrue();
    assertThat(Dispatch.wakesDriver(0, true, 0, plain)).as("the last one, draining").isTrue();
    assertThat(Dispatch.wakesDriver(1, true, Integer.MAX_VALUE, plain))
        .as("draining: only the last one")
        .isFalse();

    Chunk failed = chunk();
    failed.failure = new IllegalStateException("boom");
    assertThat(Dispatch.wakesDriver(5, false, 4, failed)).as("a failure: fail fast").isTrue();
    Chunk broken = chunk();
    broken.machineryFailure = new IllegalStateException("broken");
    assertThat(Dispatch.wakesDriver(5, false, 4, broken)).isTrue();
    Chunk yielded = chunk();
    yielded.yielded = true;
    assertThat(Dispatch.wakesDriver(5, false, 4, yielded))
        .as("a rest handed back is launched at once")
        .isTrue();
  }

  private Feed feed(Mode mode, int items, long nanosPerItem) {
    Input input = new Input(IntStream.range(0, items).boxed().toList());
    Sink sink = Sink.of(mode, input);
    PoolContext pool =
        new PoolContext(
            "Pool.test",
            new Launcher.Virtual("wake-test-worker", PARALLELISM, 64, null),
            "wake-test-",
            64,
            timer,
            new PoolWork(),
            Ticker.SYSTEM,
            TestAccess.types());
    ItemRunner.Control control =
        new ItemRunner.Control() {
          @Override
          public void failFast() {
            stop.raise();
          }

          @Override
          public void stopNow() {
            stop.raise();
          }
        };
    ItemRunner runner =
        new ItemRunner(item -> item, null, false, TestAccess.types(), List.of(), control, stop);
    ChunkSizer sizer = new ChunkSizer(PARALLELISM, 64);
    if (nanosPerItem >= 0) {
      sizer.completed(1, nanosPerItem);
    }
    Feed.Call call =
        new Feed.Call() {
          @Override
          public void fail(RuntimeException report, Throwable cause) {
            stop.raise();
          }

          @Override
          public boolean isStopped() {
            return stop.isRaised();
          }
        };
    Dispatch launching = new Dispatch(pool, runner, false, stop);
    dispatch = launching;
    return new Feed(
        input,
        sink,
        sizer,
        launching,
        Feed.window(input, sink, mode, pool.window()),
        mode == Mode.LIST,
        new CallReports("Pool.test", TestAccess.types()),
        pool.description(),
        call);
  }

  @Test
  void cheapChunksOfACallThatReturnsAtTheEndWakeTheDriverWhenOnePerThreadIsLeft() {
    Feed feed = feed(Mode.LIST, 1_000, 1_000); // 1 µs per item: cheap
    assertThat(feed.wakeAtMost(false)).isEqualTo(PARALLELISM);
    ChunkSizer cheap = new ChunkSizer(PARALLELISM, 64);
    cheap.completed(1, 1_000);
    assertThat(cheap.inFlightCap())
        .as("the driver waits for a quarter of the cheap chunks kept in flight")
        .isEqualTo(4 * PARALLELISM);
    assertThat(feed(Mode.FOR_EACH, 1_000, 1_000).wakeAtMost(false)).isEqualTo(PARALLELISM);
  }

  @Test
  void onceTheInputIsReadTheDriverWaitsForAnIdleThreadOrTheLastChunk() throws Exception {
    Feed feed = feed(Mode.LIST, 4, 1_000);
    assertThat(feed.wakeAtMost(false)).isEqualTo(PARALLELISM);
    while (feed.launchNext() != null) {
      // reads to the end of the input
    }
    assertThat(feed.wakeAtMost(false)).isEqualTo(PARALLELISM - 1);
    Dispatch launched = java.util.Objects.requireNonNull(dispatch);
    while (launched.inFlight() > 0) {
      launched.await(TimeUnit.SECONDS.toNanos(30), PARALLELISM - 1);
      while (launched.nextCompleted() != null) {
        // taken back
      }
    }
    assertThat(launched.joinEndedThreads()).as("interrupted while joining").isFalse();
  }

  @Test
  void eachCompletionWakesTheDriverWhereItWaitsForResultsOrForConcurrency() {
    assertThat(feed(Mode.ORDERED, 1_000, 1_000).wakeAtMost(false))
        .as("a stream's consumer waits for results")
        .isEqualTo(Integer.MAX_VALUE);
    assertThat(feed(Mode.UNORDERED, 1_000, 1_000).wakeAtMost(false)).isEqualTo(Integer.MAX_VALUE);
    assertThat(feed(Mode.LIST, 1_000, -1).wakeAtMost(false))
        .as("the cost is not known yet")
        .isEqualTo(Integer.MAX_VALUE);
    assertThat(feed(Mode.LIST, 1_000, 50_000_000).wakeAtMost(false))
        .as("slow items: each completion frees a slot of concurrency")
        .isEqualTo(Integer.MAX_VALUE);
    assertThat(feed(Mode.LIST, 1_000, 1_000).wakeAtMost(true))
        .as("asked for (a failure budget, a stopped call)")
        .isEqualTo(Integer.MAX_VALUE);
  }
}
