package dev.parmap.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.parmap.CallInterruptedException;
import dev.parmap.TaskFailedException;
import dev.parmap.TestAccess;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The push-driven driver alone, as a stream's gatherer uses it: offered items, results pushed in
 * order, the window, fail fast, a rejecting or throwing downstream, interruption and close.
 */
class StreamPushTest {
  private static final long PATIENCE_SECONDS = 30;
  private static final String PREFIX = "parmap-push-test-";

  private static StreamPush<@Nullable Object> push(int window, Work work) {
    return StreamPush.onVirtualThreads(
        "StreamPushTest(" + window + ")", PREFIX, window, work, TestAccess.types());
  }

  private static void await(CountDownLatch latch) throws InterruptedException {
    if (!latch.await(PATIENCE_SECONDS, TimeUnit.SECONDS)) {
      throw new AssertionError("latch not opened within " + PATIENCE_SECONDS + " s");
    }
  }

  private static void blockUntilInterrupted() throws InterruptedException {
    await(new CountDownLatch(1)); // only an interrupt ends it in time
    throw new AssertionError("not interrupted");
  }

  /** Tasks that block until interrupted, counting how many run and how many were interrupted. */
  private static final class Blocking {
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger interrupted = new AtomicInteger();
    final CountDownLatch firstInterrupted = new CountDownLatch(1);

    /** A call whose every item blocks until interrupted, counting down {@code running} first. */
    StreamPush<@Nullable Object> call(int window, CountDownLatch running) {
      return push(
          window,
          item -> {
            running.countDown();
            return block(item);
          });
    }

    /**
     * A call whose item 0 (the head) returns once the other {@code window - 1} items run; they
     * block until interrupted.
     */
    StreamPush<@Nullable Object> headReturnsOnceTheWindowIsFull(int window) {
      CountDownLatch othersRunning = new CountDownLatch(window - 1);
      return push(
          window,
          item -> {
            if (item.equals(0)) {
              await(othersRunning);
              return item;
            }
            othersRunning.countDown();
            return block(item);
          });
    }

    @Nullable Object block(@Nullable Object item) throws InterruptedException {
      running.incrementAndGet();
      try {
        blockUntilInterrupted();
        return item;
      } catch (InterruptedException e) {
        interrupted.incrementAndGet();
        firstInterrupted.countDown();
        throw e;
      } finally {
        running.decrementAndGet();
      }
    }
  }

  @Test
  void resultsArePushedInInputOrderWhenTasksFinishInReverseOrder() throws Exception {
    int n = 6;
    List<CountDownLatch> release = new ArrayList<>();
    List<CountDownLatch> done = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      release.add(new CountDownLatch(1));
      done.add(new CountDownLatch(1));
    }
    StreamPush<@Nullable Object> call =
        push(
            n,
            item -> {
              int i = (Integer) item;
              await(release.get(i));
              done.get(i).countDown();
              return i * 10;
            });
    List<@Nullable Object> pushed = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      assertThat(call.offer(i, pushed::add)).isTrue(); // the window has room: no wait
    }

    for (int i = n - 1; i >= 0; i--) { // the last item finishes first
      release.get(i).countDown();
      await(done.get(i));
    }
    call.finish(pushed::add);

    assertThat(pushed).containsExactly(0, 10, 20, 30, 40, 50);
  }

  /**
   * A call whose item 0 (the head) blocks until interrupted and whose item 1 throws {@code boom}
   * once the head runs; {@code started} collects the items that ran.
   */
  private static StreamPush<@Nullable Object> headBlocksAndTheNextFails(
      int window, Blocking head, Exception boom, Set<Object> started) {
    CountDownLatch headRunning = new CountDownLatch(1);
    return push(
        window,
        item -> {
          started.add(item);
          if (item.equals(0)) {
            headRunning.countDown();
            return head.block(item);
          }
          await(headRunning);
          throw boom;
        });
  }

  @Test
  void atMostTheWindowIsInFlightAndEachItemRunsOnItsOwnNamedVirtualThread() {
    int window = 3;
    List<@Nullable Object> pushed = new CopyOnWriteArrayList<>(); // read by the tasks
    CountDownLatch windowFull = new CountDownLatch(window);
    Set<String> threads = ConcurrentHashMap.newKeySet();
    AtomicInteger started = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger(); // started and not yet pushed
    StreamPush<@Nullable Object> call =
        push(
            window,
            item -> {
              maxInFlight.accumulateAndGet(started.incrementAndGet() - pushed.size(), Math::max);
              Thread self = Thread.currentThread();
              threads.add(self.isVirtual() + " " + self.getName());
              if ((Integer) item < window) { // the first window items run all at once
                windowFull.countDown();
                await(windowFull);
              }
              return item;
            });

    for (int i = 0; i < 50; i++) {
      assertThat(call.offer(i, pushed::add)).isTrue();
    }
    call.finish(pushed::add);

    assertThat(pushed).hasSize(50).isSorted();
    assertThat(maxInFlight).hasValue(window);
    assertThat(threads).hasSize(50).allMatch(t -> t.matches("true " + PREFIX + "\\d+"));
  }

  @Test
  void nullItemsReachTheTaskAndNullResultsArePushed() {
    StreamPush<@Nullable Object> call = push(4, item -> item == null ? "was null" : null);
    List<@Nullable Object> pushed = new ArrayList<>();

    call.offer("a", pushed::add);
    call.offer(null, pushed::add);
    call.finish(pushed::add);

    assertThat(pushed).containsExactly(null, "was null");
  }

  @Test
  void aFailureSurfacesAtTheNextOfferWithItsIndexInterruptsTheOthersAndStartsNoMoreItems()
      throws Exception {
    Blocking head = new Blocking();
    IOException boom = new IOException("boom");
    Set<Object> started = ConcurrentHashMap.newKeySet();
    StreamPush<@Nullable Object> call = headBlocksAndTheNextFails(8, head, boom, started);
    List<@Nullable Object> pushed = new ArrayList<>();
    call.offer(0, pushed::add);
    call.offer(1, pushed::add);
    // The failed item's thread stops the call at once: the head is interrupted before any offer.
    await(head.firstInterrupted);

    TaskFailedException failure =
        catchThrowableOfType(TaskFailedException.class, () -> call.offer(2, pushed::add));

    assertThat(failure.index()).isEqualTo(1);
    assertThat(failure.item()).isEqualTo(1);
    assertThat(failure.getCause()).isSameAs(boom);
    assertThat(failure.getSuppressed()).isEmpty(); // the head's interruption was parmap's doing
    assertThat(head.running).hasValue(0);
    assertThat(started).containsExactlyInAnyOrder(0, 1);
    assertThat(pushed).isEmpty();
    assertThat(call.offer(3, pushed::add)).isFalse(); // the call has ended
  }

  @Test
  void aFailureWakesAFinishThatWaitsForTheHeadWhileTheHeadStillRuns() {
    Blocking head = new Blocking();
    IllegalStateException boom = new IllegalStateException("boom");
    StreamPush<@Nullable Object> call =
        headBlocksAndTheNextFails(4, head, boom, ConcurrentHashMap.newKeySet());
    List<@Nullable Object> pushed = new ArrayList<>();
    call.offer(0, pushed::add);
    call.offer(1, pushed::add);

    TaskFailedException failure =
        catchThrowableOfType(TaskFailedException.class, () -> call.finish(pushed::add));

    assertThat(failure.index()).isEqualTo(1);
    assertThat(failure.getCause()).isSameAs(boom);
    assertThat(head.interrupted).hasValue(1);
    assertThat(head.running).hasValue(0);
  }

  @Test
  void aDownstreamThatRejectsEndsTheCallAndInterruptsAndAwaitsTheRunningTasks() {
    int window = 4;
    Blocking others = new Blocking();
    StreamPush<@Nullable Object> call = others.headReturnsOnceTheWindowIsFull(window);
    List<@Nullable Object> pushed = new ArrayList<>();
    Predicate<@Nullable Object> wantsOne =
        r -> {
          pushed.add(r);
          return false;
        };

    boolean taken = true;
    for (int i = 0; taken; i++) {
      taken = call.offer(i, wantsOne); // the window fills; then the head is pushed and rejected
    }

    assertThat(pushed).containsExactly(0);
    assertThat(others.interrupted).hasValue(window - 1);
    assertThat(others.running).hasValue(0);
    assertThat(call.offer(99, wantsOne)).isFalse();
    call.finish(wantsOne); // nothing more: the call has ended
    assertThat(pushed).containsExactly(0);
  }

  @Test
  void aDownstreamThatThrowsEndsTheCallThenItsExceptionLeavesUnchanged() {
    Blocking others = new Blocking();
    StreamPush<@Nullable Object> call = others.headReturnsOnceTheWindowIsFull(2);
    IllegalStateException thrown = new IllegalStateException("downstream failed");
    Predicate<@Nullable Object> failing =
        r -> {
          throw thrown;
        };
    call.offer(0, failing);
    call.offer(1, failing);

    Throwable caught = catchThrowable(() -> call.offer(2, failing)); // waits for the head

    assertThat(caught).isSameAs(thrown);
    assertThat(others.interrupted).hasValue(1);
    assertThat(others.running).hasValue(0);
  }

  @Test
  void interruptingTheDriverWhileItWaitsInterruptsAndAwaitsTheTasksAndKeepsTheFlag()
      throws Exception {
    Blocking tasks = new Blocking();
    CountDownLatch allRunning = new CountDownLatch(2);
    StreamPush<@Nullable Object> call = tasks.call(8, allRunning);
    AtomicReference<@Nullable Throwable> thrown = new AtomicReference<>();
    AtomicInteger runningWhenThrown = new AtomicInteger(-1);
    AtomicReference<@Nullable Boolean> flagAfterwards = new AtomicReference<>();
    Thread driver =
        Thread.ofPlatform()
            .name("push-test-driver")
            .start(
                () -> {
                  try {
                    call.offer(0, r -> true);
                    call.offer(1, r -> true);
                    call.finish(r -> true);
                  } catch (Throwable t) {
                    runningWhenThrown.set(tasks.running.get());
                    flagAfterwards.set(Thread.currentThread().isInterrupted());
                    thrown.set(t);
                  }
                });
    await(allRunning);
    driver.interrupt();
    assertThat(driver.join(Duration.ofSeconds(PATIENCE_SECONDS))).isTrue();

    assertThat(thrown.get())
        .isExactlyInstanceOf(CallInterruptedException.class)
        .hasMessageContaining(CallKind.GATHER.what())
        .hasCauseInstanceOf(InterruptedException.class);
    assertThat(flagAfterwards.get()).isTrue();
    assertThat(tasks.interrupted).hasValue(2);
    assertThat(runningWhenThrown).hasValue(0);
  }

  @Test
  void closeEndsTheCallInterruptsItsTasksAndLaterOffersAreRefused() throws Exception {
    Blocking tasks = new Blocking();
    CountDownLatch running = new CountDownLatch(2);
    StreamPush<@Nullable Object> call = tasks.call(4, running);
    call.offer(0, r -> true);
    call.offer(1, r -> true);
    await(running);

    call.close();

    assertThat(tasks.interrupted).hasValue(2);
    assertThat(tasks.running).hasValue(0);
    assertThat(call.offer(2, r -> true)).isFalse();
    call.close(); // again: nothing happens
  }

  @Test
  void aCallClosedBeforeItsFirstItemRunsNothing() {
    AtomicInteger runs = new AtomicInteger();
    StreamPush<@Nullable Object> call = push(4, item -> runs.incrementAndGet());

    call.close();

    assertThat(call.offer(0, r -> true)).isFalse();
    assertThat(runs).hasValue(0);
  }

  @Test
  void anEmptyInputEndsAtOnce() {
    AtomicInteger runs = new AtomicInteger();
    StreamPush<@Nullable Object> call = push(4, item -> runs.incrementAndGet());
    List<@Nullable Object> pushed = new ArrayList<>();

    call.finish(pushed::add);

    assertThat(pushed).isEmpty();
    assertThat(runs).hasValue(0);
  }
}
