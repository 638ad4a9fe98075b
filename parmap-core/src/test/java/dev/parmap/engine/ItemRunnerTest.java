package dev.parmap.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parmap.Outcome;
import dev.parmap.Task;
import dev.parmap.TestAccess;
import dev.parmap.observe.ContextPropagator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The item runner alone, on the test's thread: order, fail fast, outcomes, context failures. */
class ItemRunnerTest {

  /** Records what the runner asks of its call. */
  private static final class FakeControl implements ItemRunner.Control {
    final StopFlag stop = new StopFlag();
    final AtomicInteger failFasts = new AtomicInteger();
    final AtomicInteger stops = new AtomicInteger();

    @Override
    public void failFast() {
      failFasts.incrementAndGet();
      stop.raise();
    }

    @Override
    public void stopNow() {
      stops.incrementAndGet();
      stop.raise();
    }
  }

  private static Chunk chunk(int size) {
    @Nullable Object[] items = new Object[size];
    for (int i = 0; i < size; i++) {
      items[i] = i;
    }
    return new Chunk(10, size, items, new Object[size], 0);
  }

  @SuppressWarnings("unchecked")
  private static ItemRunner runner(
      Task<Integer, Object> task,
      boolean outcomes,
      List<ContextPropagator.Snapshot> context,
      FakeControl control) {
    Task<?, ?> untyped = task;
    Task<@Nullable Object, @Nullable Object> erased =
        (Task<@Nullable Object, @Nullable Object>) untyped;
    return new ItemRunner(
        erased::apply, null, outcomes, TestAccess.types(), context, control, control.stop);
  }

  @Test
  void runsEveryItemInOrderIntoTheChunksResults() {
    FakeControl control = new FakeControl();
    List<Integer> seen = new ArrayList<>();
    Chunk chunk = chunk(5);
    runner(
            i -> {
              seen.add(i);
              return i * 10;
            },
            false,
            List.of(),
            control)
        .run(chunk);
    assertThat(seen).containsExactly(0, 1, 2, 3, 4);
    assertThat(chunk.results).containsExactly(0, 10, 20, 30, 40);
    assertThat(chunk.done).isEqualTo(5);
    assertThat(chunk.failure).isNull();
    assertThat(chunk.threadName).isEqualTo(Thread.currentThread().getName());
  }

  @Test
  void theFirstFailureEndsTheChunkAndFailsTheCallFast() {
    FakeControl control = new FakeControl();
    Chunk chunk = chunk(5);
    IllegalStateException boom = new IllegalStateException("item 2");
    runner(
            i -> {
              if (i == 2) {
                throw boom;
              }
              return i;
            },
            false,
            List.of(),
            control)
        .run(chunk);
    assertThat(chunk.done).isEqualTo(2);
    assertThat(chunk.failure).isSameAs(boom);
    assertThat(chunk.failedOnItsOwn).isTrue();
    assertThat(control.failFasts).hasValue(1);
  }

  @Test
  void withOutcomesAFailedItemIsAFailureAndTheChunkGoesOn() {
    FakeControl control = new FakeControl();
    Chunk chunk = chunk(4);
    runner(
            i -> {
              if (i % 2 == 1) {
                throw new IllegalStateException("odd " + i);
              }
              return i;
            },
            true,
            List.of(),
            control)
        .run(chunk);
    assertThat(chunk.done).isEqualTo(4);
    assertThat(chunk.failedItems).isEqualTo(2);
    assertThat(chunk.results[1]).isInstanceOf(Outcome.Failure.class);
    assertThat(((Outcome<?, ?>) chunk.results[1]).index()).isEqualTo(11);
    assertThat(chunk.results[2]).isInstanceOf(Outcome.Success.class);
    assertThat(control.failFasts).hasValue(0);
  }

  @Test
  void aStoppedCallStartsNoItem() {
    FakeControl control = new FakeControl();
    control.stop.raise();
    Chunk chunk = chunk(3);
    AtomicInteger ran = new AtomicInteger();
    runner(i -> ran.incrementAndGet(), false, List.of(), control).run(chunk);
    assertThat(ran).hasValue(0);
    assertThat(chunk.done).isZero();
  }

  @Test
  void aContextThatCannotBeAppliedFailsEveryItemOfTheChunkWithOutcomes() {
    FakeControl control = new FakeControl();
    AssertionError notApplied = new AssertionError("apply");
    ContextPropagator.Snapshot failing =
        () -> {
          throw notApplied;
        };
    Chunk chunk = chunk(3);
    AtomicInteger ran = new AtomicInteger();
    runner(i -> ran.incrementAndGet(), true, List.of(failing), control).run(chunk);
    assertThat(ran).hasValue(0);
    assertThat(chunk.done).isEqualTo(3);
    assertThat(chunk.results)
        .allSatisfy(o -> assertThat(((Outcome.Failure<?, ?>) o).cause()).isSameAs(notApplied));

    Chunk failFast = chunk(3);
    runner(i -> ran.incrementAndGet(), false, List.of(failing), new FakeControl()).run(failFast);
    assertThat(failFast.done).isZero();
    assertThat(failFast.failure).isSameAs(notApplied);
  }

  @Test
  void everyScopeIsClosedAndAScopeThatFailsToCloseStopsTheCall() {
    FakeControl control = new FakeControl();
    List<String> closed = new ArrayList<>();
    ContextPropagator.Snapshot first = () -> () -> closed.add("first");
    ContextPropagator.Snapshot failing =
        () ->
            () -> {
              closed.add("failing");
              throw new IllegalStateException("close");
            };
    Chunk chunk = chunk(2);
    runner(i -> i, false, List.of(first, failing), control).run(chunk);
    assertThat(chunk.done).isEqualTo(2);
    assertThat(closed).containsExactly("failing", "first"); // undone in reverse order
    assertThat(chunk.machineryFailure).hasMessage("close");
    assertThat(control.stops).hasValue(1);
  }

  @Test
  void aChunkWhoseRestIsTakenWhileAnItemRunsEndsAfterItsBatchWithTheRestUnrun() {
    for (boolean outcomes : List.of(false, true)) {
      Chunk chunk = chunk(40);
      int[] takenFrom = {-1};
      runner(
              i -> {
                if (i == 1) { // as the driver does while item 1 runs
                  chunk.yieldRequested = true;
                  takenFrom[0] = chunk.stealRest();
                }
                return i * 10;
              },
              outcomes,
              List.of(),
              new FakeControl())
          .run(chunk);
      // Batches of 1, 2, 4...: item 1 is the first of the second batch (items 1 and 2); the
      // driver took items 3 on, and the runner left item 2, the rest of its batch, to the driver.
      assertThat(takenFrom[0]).isEqualTo(3);
      assertThat(chunk.yielded).isTrue();
      assertThat(chunk.done).isEqualTo(2);
      assertThat(chunk.results[1]).isNotNull();
      assertThat(chunk.results[2]).isNull();
      assertThat(chunk.failure).isNull();
    }
  }

  @Test
  void theRunnerClaimsItsItemsInBatchesThatGrowUpToTheLargest() {
    Chunk chunk = chunk(200);
    List<Integer> lastOfBatch = new ArrayList<>();
    runner(
            i -> {
              if (chunk.firstUnclaimed() == i + 1) {
                lastOfBatch.add(i); // nothing is claimed beyond the runner's batch
              }
              return i;
            },
            false,
            List.of(),
            new FakeControl())
        .run(chunk);
    assertThat(chunk.done).isEqualTo(200);
    assertThat(chunk.yielded).isFalse();
    assertThat(chunk.unclaimedCount()).isZero();
    // The last item of each batch: batches of 1, 2, 4, 8, 16, then of MAX_BATCH (32).
    assertThat(ItemRunner.MAX_BATCH).isEqualTo(32);
    assertThat(lastOfBatch).containsExactly(0, 2, 6, 14, 30, 62, 94, 126, 158, 190, 199);
  }

  @Test
  void nothingIsLeftToTakeFromAChunkThatRanToItsEnd() {
    Chunk chunk = chunk(3);
    runner(i -> i, false, List.of(), new FakeControl()).run(chunk);
    assertThat(chunk.yielded).isFalse();
    assertThat(chunk.done).isEqualTo(3);
    assertThat(chunk.stealRest()).isEqualTo(-1);
  }

  @Test
  void aRestTakenBeforeTheChunkStartsLeavesItNothingToRun() {
    Chunk chunk = chunk(3);
    assertThat(chunk.stealRest()).isZero();
    runner(i -> i, false, List.of(), new FakeControl()).run(chunk);
    assertThat(chunk.done).isZero();
  }

  @Test
  void aChunkAskedToYieldBeforeItStartsStillRunsOneItem() {
    Chunk chunk = chunk(3);
    chunk.yieldRequested = true;
    runner(i -> i, false, List.of(), new FakeControl()).run(chunk);
    assertThat(chunk.yielded).isTrue();
    assertThat(chunk.done).isEqualTo(1);
  }

  @Test
  void aYieldAskedForDuringTheLastItemChangesNothing() {
    Chunk chunk = chunk(2);
    runner(
            i -> {
              chunk.yieldRequested = i == 1;
              return i;
            },
            false,
            List.of(),
            new FakeControl())
        .run(chunk);
    assertThat(chunk.yielded).isFalse();
    assertThat(chunk.done).isEqualTo(2);
  }
}
