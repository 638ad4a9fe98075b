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
  void resultsArePushedInInputOrderWhenTasksFinishInReverseOrder() {
    int n = 6;
    List<CountDownLatch> finished = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      finished.add(new CountDownLatch(1));
    }
    List<Integer> finishOrder = new CopyOnWriteArrayList<>();
    StreamPush<@Nullable Object> call =
        push(
            n,
            item -> {
              int i = (Integer) item;
              if (i < n - 1) {
                await(finished.get(i + 1)); // the next item finishes first
              }
              finishOrder.add(i);
              finished.get(i).countDown();
              return i * 10;
            });
    List<@Nullable Object> pushed = new ArrayList<>();

    for (int i = 0; i < n; i++) {
      assertThat(call.offer(i, pushed::add)).isTrue();
    }
    call.finish(pushed::add);

    assertThat(pushed).containsExactly(0, 10, 20, 30, 40, 50);
    assertThat(finishOrder).containsExactly(5, 4, 3, 2, 1, 0);
  }

  @Test
  void atMostTheWindowIsInFlightAndEachItemRunsOnItsOwnNamedVirtualThread() {
    int window = 3;
    AtomicInteger started = new AtomicInteger();
    AtomicInteger pushedCount = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    CountDownLatch windowFull = new CountDownLatch(window);
    Set<String> threads = ConcurrentHashMap.newKeySet();
    StreamPush<@Nullable Object> call =
        push(
            window,
            item -> {
              maxInFlight.accumulateAndGet(
                  started.incrementAndGet() - pushedCount.get(), Math::max);
              Thread self = Thread.currentThread();
              threads.add(self.isVirtual() + " " + self.getName());
              if ((Integer) item < window) { // the first window items run all at once
                windowFull.countDown();
                await(windowFull);
              }
              return item;
            });
    List<@Nullable Object> pushed = new ArrayList<>();
    Predicate<@Nullable Object> downstream =
        r -> {
          pushedCount.incrementAndGet();
          return pushed.add(r);
        };

    for (int i = 0; i < 50; i++) {
      assertThat(call.offer(i, downstream)).isTrue();
    }
    call.finish(downstream);

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
    CountDownLatch headRunning = new CountDownLatch(1);
    IOException boom = new IOException("boom");
    Set<Object> started = ConcurrentHashMap.newKeySet();
    StreamPush<@Nullable Object> call =
        push(
            8,
            item -> {
              started.add(item);
              if (item.equals(0)) {
                headRunning.countDown();
                return head.block(item);
              }
              await(headRunning);
              throw boom;
            });
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
    CountDownLatch headRunning = new CountDownLatch(1);
    IllegalStateException boom = new IllegalStateException("boom");
    StreamPush<@Nullable Object> call =
        push(
            4,
            item -> {
              if (item.equals(0)) {
                headRunning.countDown();
                return head.block(item);
              }
              await(headRunning);
              throw boom;
            });
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
    CountDownLatch othersRunning = new CountDownLatch(window - 1);
    StreamPush<@Nullable Object> call =
        push(
            window,
            item -> {
              if (item.equals(0)) {
                await(othersRunning);
                return item;
              }
              othersRunning.countDown();
              return others.block(item);
            });
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
    CountDownLatch otherRunning = new CountDownLatch(1);
    StreamPush<@Nullable Object> call =
        push(
            2,
            item -> {
              if (item.equals(0)) {
                await(otherRunning);
                return item;
              }
              otherRunning.countDown();
              return others.block(item);
            });
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
    StreamPush<@Nullable Object> call =
        push(
            8,
            item -> {
              allRunning.countDown();
              return tasks.block(item);
            });
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
    StreamPush<@Nullable Object> call =
        push(
            4,
            item -> {
              running.countDown();
              return tasks.block(item);
            });
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
