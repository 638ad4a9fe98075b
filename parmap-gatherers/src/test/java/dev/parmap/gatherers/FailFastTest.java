package dev.parmap.gatherers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.parmap.TaskFailedException;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Fail fast: a task's failure stops the gatherer at once, whichever element failed. */
class FailFastTest {

  /**
   * Element 0 (the head) blocks until interrupted; element 1 fails once the head runs. With a
   * window of 2 the failure wakes the stream's thread waiting for room in the window (integrator);
   * with 10 it wakes it waiting for the end of the stream (finisher).
   */
  @ParameterizedTest
  @ValueSource(ints = {2, 10})
  void aFailureSurfacesWhileTheHeadStillRunsAndInterruptsIt(int window) {
    CountDownLatch headStarted = new CountDownLatch(1);
    AtomicInteger headInterrupted = new AtomicInteger();
    AtomicInteger running = new AtomicInteger();
    IOException boom = new IOException("boom");

    TaskFailedException failure =
        catchThrowableOfType(
            TaskFailedException.class,
            () ->
                IntStream.range(0, 10)
                    .boxed()
                    .gather(
                        ParmapGatherers.map(
                            window,
                            i -> {
                              running.incrementAndGet();
                              try {
                                if (i == 0) {
                                  headStarted.countDown();
                                  try {
                                    Latches.blockUntilInterrupted();
                                  } catch (InterruptedException e) {
                                    headInterrupted.incrementAndGet();
                                    throw e;
                                  }
                                } else if (i == 1) {
                                  Latches.await(headStarted);
                                  throw boom;
                                }
                                return i;
                              } finally {
                                running.decrementAndGet();
                              }
                            }))
                    .toList());

    assertThat(failure).isNotNull();
    assertThat(failure.index()).isEqualTo(1);
    assertThat(failure.item()).isEqualTo(1);
    assertThat(failure.getCause()).isSameAs(boom);
    assertThat(failure.getSuppressed()).isEmpty(); // the head's interruption was parmap's doing
    assertThat(headInterrupted).hasValue(1);
    assertThat(running).hasValue(0);
  }

  /**
   * Element 0 fails once element 1 runs; element 1 blocks until interrupted. The source holds back
   * element 2 until that interrupt came, i.e. until the failure is recorded: element 2 must not
   * start.
   */
  @Test
  void noElementStartsOnceATaskHasFailed() {
    CountDownLatch secondStarted = new CountDownLatch(1);
    CountDownLatch secondInterrupted = new CountDownLatch(1);
    Set<Integer> startedElements = ConcurrentHashMap.newKeySet();
    IllegalStateException boom = new IllegalStateException("boom");

    TaskFailedException failure =
        catchThrowableOfType(
            TaskFailedException.class,
            () ->
                IntStream.range(0, 100)
                    .boxed()
                    .peek(
                        i -> {
                          if (i == 2) {
                            Latches.awaitUnchecked(secondInterrupted);
                          }
                        })
                    .gather(
                        ParmapGatherers.map(
                            i -> {
                              startedElements.add(i);
                              if (i == 0) {
                                Latches.await(secondStarted);
                                throw boom;
                              }
                              if (i == 1) {
                                secondStarted.countDown();
                                try {
                                  Latches.blockUntilInterrupted();
                                } catch (InterruptedException e) {
                                  secondInterrupted.countDown();
                                  throw e;
                                }
                              }
                              return i;
                            }))
                    .toList());

    assertThat(failure).isNotNull();
    assertThat(failure.index()).isZero();
    assertThat(failure.getCause()).isSameAs(boom);
    assertThat(startedElements).containsExactlyInAnyOrder(0, 1);
  }

  @Test
  void theFailedElementIsNamedByItsPositionInTheStreamThatReachesTheGatherer() {
    TaskFailedException failure =
        catchThrowableOfType(
            TaskFailedException.class,
            () ->
                Stream.of("a", "skip", "b", "c")
                    .filter(s -> !s.equals("skip"))
                    .gather(
                        ParmapGatherers.map(
                            s -> {
                              if (s.equals("c")) {
                                throw new IOException("no " + s);
                              }
                              return s;
                            }))
                    .toList());

    assertThat(failure).isNotNull();
    assertThat(failure.index()).isEqualTo(2);
    assertThat(failure.item()).isEqualTo("c");
    assertThat(failure.getCause()).isInstanceOf(IOException.class).hasMessage("no c");
  }

  @Test
  void failuresOfOtherTasksOnTheirOwnAreAttachedAsSuppressed() {
    CyclicBarrier bothRunning = new CyclicBarrier(2);

    TaskFailedException failure =
        catchThrowableOfType(
            TaskFailedException.class,
            () ->
                Stream.of(0, 1)
                    .gather(
                        ParmapGatherers.map(
                            2,
                            i -> {
                              bothRunning.await(Latches.PATIENCE_SECONDS, TimeUnit.SECONDS);
                              throw new IllegalStateException("failure of " + i);
                            }))
                    .toList());

    assertThat(failure).isNotNull();
    long other = 1 - failure.index();
    assertThat(failure.getCause()).hasMessage("failure of " + failure.index());
    assertThat(failure.getSuppressed()).hasSize(1);
    TaskFailedException suppressed = (TaskFailedException) failure.getSuppressed()[0];
    assertThat(suppressed.index()).isEqualTo(other);
    assertThat(suppressed.getCause()).hasMessage("failure of " + other);
  }

  @Test
  void aVirtualMachineErrorIsRethrownAsItIsAfterTheOthersHaveEnded() {
    OutOfMemoryError oom = new OutOfMemoryError("simulated");
    CountDownLatch othersBlocked = new CountDownLatch(3);
    AtomicInteger interrupted = new AtomicInteger();
    AtomicInteger running = new AtomicInteger();

    OutOfMemoryError thrown =
        catchThrowableOfType(
            OutOfMemoryError.class,
            () ->
                Stream.of(0, 1, 2, 3)
                    .gather(
                        ParmapGatherers.map(
                            i -> {
                              running.incrementAndGet();
                              try {
                                if (i == 3) {
                                  Latches.await(othersBlocked);
                                  throw oom;
                                }
                                othersBlocked.countDown();
                                try {
                                  Latches.blockUntilInterrupted();
                                } catch (InterruptedException e) {
                                  interrupted.incrementAndGet();
                                  throw e;
                                }
                                return i;
                              } finally {
                                running.decrementAndGet();
                              }
                            }))
                    .toList());

    assertThat(thrown).isSameAs(oom);
    assertThat(List.of(oom.getSuppressed()))
        .singleElement()
        .isInstanceOfSatisfying(
            TaskFailedException.class, report -> assertThat(report.index()).isEqualTo(3));
    assertThat(interrupted).hasValue(3);
    assertThat(running).hasValue(0);
  }
}
