package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Interrupting the caller of a call, and the interrupt flag around calls. */
class InterruptionTest {

  static List<PoolKind> pools() {
    return PoolKind.all();
  }

  @ParameterizedTest
  @MethodSource("pools")
  void interruptingTheCallerInterruptsAndAwaitsTheTasksAndKeepsTheFlag(PoolKind kind)
      throws Exception {
    int n = 3;
    CountDownLatch allRunning = new CountDownLatch(n);
    AtomicInteger interrupted = new AtomicInteger();
    AtomicInteger ended = new AtomicInteger();
    try (Pool pool = kind.create(n)) {
      CompletableFuture<Throwable> outcome = new CompletableFuture<>();
      Thread caller =
          Thread.ofPlatform()
              .name("test-caller")
              .start(
                  () -> {
                    try {
                      pool.map(
                          List.of(1, 2, 3),
                          i -> {
                            allRunning.countDown();
                            try {
                              new CountDownLatch(1).await();
                              return i;
                            } catch (InterruptedException e) {
                              interrupted.incrementAndGet();
                              throw e;
                            } finally {
                              ended.incrementAndGet();
                            }
                          });
                      outcome.complete(new AssertionError("map returned normally"));
                    } catch (Throwable e) {
                      // Record the flag as the call left it, together with what it threw.
                      boolean flag = Thread.currentThread().isInterrupted();
                      e.addSuppressed(new Exception("interrupt flag after the call: " + flag));
                      outcome.complete(e);
                    }
                  });
      assertThat(allRunning.await(30, TimeUnit.SECONDS)).isTrue();
      caller.interrupt();
      Throwable thrown = outcome.get(30, TimeUnit.SECONDS);
      caller.join();
      assertThat(thrown).isInstanceOf(CallInterruptedException.class);
      assertThat(thrown.getCause()).isInstanceOf(InterruptedException.class);
      assertThat(thrown.getSuppressed()[0]).hasMessage("interrupt flag after the call: true");
      assertThat(interrupted).hasValue(n);
      assertThat(ended).hasValue(n);
    }
  }

  @Test
  void aCallMadeWithTheFlagAlreadySetEndsAtOnceWithTheFlagKept() {
    Thread.currentThread().interrupt();
    try {
      CallInterruptedException thrown =
          catchThrowableOfType(
              CallInterruptedException.class,
              () ->
                  Parmap.map(
                      IntStream.range(0, 100).boxed().toList(),
                      i -> {
                        new CountDownLatch(1).await(); // would hang if not interrupted
                        return i;
                      }));
      assertThat(thrown).isNotNull();
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void tasksDoNotLeaveTheInterruptFlagOnSharedPoolThreads() throws Exception {
    try (Pool pool = Pool.threads(1)) {
      // The first call fails and interrupts its other task; the next call on the same thread
      // must not see a stale interrupt.
      CountDownLatch blocked = new CountDownLatch(1);
      TaskFailedException failure =
          catchThrowableOfType(
              TaskFailedException.class,
              () ->
                  pool.map(
                      List.of(0, 1),
                      i -> {
                        if (i == 0) {
                          blocked.countDown();
                          return 0;
                        }
                        throw new IllegalStateException("fail");
                      }));
      assertThat(failure).isNotNull();
      assertThat(blocked.await(30, TimeUnit.SECONDS)).isTrue();
      List<Boolean> flags = pool.map(List.of(1, 2, 3), i -> Thread.currentThread().isInterrupted());
      assertThat(flags).containsOnly(false);
      assertThat(pool.submit(() -> Thread.currentThread().isInterrupted()).get()).isFalse();
    }
  }
}
