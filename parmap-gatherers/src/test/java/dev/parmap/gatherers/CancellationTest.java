package dev.parmap.gatherers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Gatherer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Short-circuiting, a throwing downstream and interruption stop the tasks in flight. */
class CancellationTest {

  private static final int WINDOW = 8;

  /**
   * An endless stream through the gatherer: element 0 returns once elements 1 to 7 are running (the
   * window is full), and those block until interrupted.
   */
  private static final class Blocking {
    final CountDownLatch othersRunning = new CountDownLatch(WINDOW - 1);
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger interrupted = new AtomicInteger();

    Stream<Integer> stream() {
      return Stream.iterate(0, i -> i + 1)
          .gather(
              ParmapGatherers.map(
                  WINDOW,
                  i -> {
                    running.incrementAndGet();
                    try {
                      if (i == 0) {
                        Latches.await(othersRunning);
                        return i;
                      }
                      othersRunning.countDown();
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
                  }));
    }
  }

  static List<Arguments> shortCircuits() {
    return List.of(
        Arguments.of("limit(1)", (Function<Stream<Integer>, Object>) s -> s.limit(1).toList()),
        Arguments.of("findFirst()", (Function<Stream<Integer>, Object>) Stream::findFirst),
        Arguments.of(
            "anyMatch(i -> i == 0)",
            (Function<Stream<Integer>, Object>) s -> s.anyMatch(i -> i == 0)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shortCircuits")
  void shortCircuitingDownstreamInterruptsAndAwaitsTheTasksInFlight(
      String name, Function<Stream<Integer>, Object> terminal) {
    Blocking blocking = new Blocking();

    Object result = terminal.apply(blocking.stream());

    assertThat(result).isIn(List.of(0), Optional.of(0), true);
    assertThat(blocking.interrupted).hasValue(WINDOW - 1);
    assertThat(blocking.running).hasValue(0);
  }

  @Test
  void aThrowingDownstreamInterruptsAndAwaitsTheTasksInFlightThenItsExceptionLeaves() {
    Blocking blocking = new Blocking();
    IllegalStateException boom = new IllegalStateException("downstream failed");

    Throwable thrown =
        catchThrowable(
            () ->
                blocking.stream()
                    .forEach(
                        i -> {
                          throw boom;
                        }));

    assertThat(thrown).isSameAs(boom);
    assertThat(blocking.interrupted).hasValue(WINDOW - 1);
    assertThat(blocking.running).hasValue(0);
  }

  @Test
  void interruptingTheStreamsThreadInterruptsAndAwaitsTheTasksAndKeepsTheFlag() throws Exception {
    int n = 3;
    CountDownLatch allRunning = new CountDownLatch(n);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger interrupted = new AtomicInteger();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicInteger runningWhenThrown = new AtomicInteger(-1);
    AtomicBoolean flagAfterwards = new AtomicBoolean();
    List<Integer> delivered = new CopyOnWriteArrayList<>();

    Thread caller =
        Thread.ofPlatform()
            .name("gatherer-test-caller")
            .start(
                () -> {
                  try {
                    IntStream.range(0, n)
                        .boxed()
                        .gather(
                            ParmapGatherers.map(
                                i -> {
                                  running.incrementAndGet();
                                  try {
                                    allRunning.countDown();
                                    Latches.blockUntilInterrupted();
                                    return i;
                                  } catch (InterruptedException e) {
                                    interrupted.incrementAndGet();
                                    throw e;
                                  } finally {
                                    running.decrementAndGet();
                                  }
                                }))
                        .forEach(delivered::add);
                  } catch (Throwable t) {
                    runningWhenThrown.set(running.get());
                    flagAfterwards.set(Thread.currentThread().isInterrupted());
                    thrown.set(t);
                  }
                });
    Latches.await(allRunning);
    caller.interrupt();
    assertThat(caller.join(Duration.ofSeconds(Latches.PATIENCE_SECONDS))).isTrue();

    assertThat(thrown.get())
        .isExactlyInstanceOf(dev.parmap.CallInterruptedException.class)
        .hasMessageContaining("interrupted")
        .hasCauseInstanceOf(InterruptedException.class);
    assertThat(flagAfterwards).isTrue();
    assertThat(interrupted).hasValue(n);
    assertThat(runningWhenThrown).hasValue(0);
    assertThat(delivered).isEmpty();
  }

  @Test
  void anElementThatMeetsARejectingDownstreamStartsNoTaskAndEndsTheEvaluation() {
    AtomicInteger runs = new AtomicInteger();
    @SuppressWarnings("unchecked") // the state type is the gatherer's own
    Gatherer<Integer, Object, Integer> gatherer =
        (Gatherer<Integer, Object, Integer>)
            (Gatherer<Integer, ?, Integer>)
                ParmapGatherers.<Integer, Integer>map(i -> runs.incrementAndGet());
    Gatherer.Downstream<Integer> rejecting =
        new Gatherer.Downstream<>() {
          @Override
          public boolean push(Integer element) {
            throw new AssertionError("pushed to a rejecting downstream: " + element);
          }

          @Override
          public boolean isRejecting() {
            return true;
          }
        };
    Object evaluation = gatherer.initializer().get();

    assertThat(gatherer.integrator().integrate(evaluation, 1, rejecting)).isFalse();
    gatherer.finisher().accept(evaluation, rejecting);

    assertThat(runs).hasValue(0);
  }
}
