package dev.parmap.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The deadline watch alone: it acts once at the deadline, or never if ended first. */
class DeadlineWatchTest {

  @Test
  void actsOnceWhenTheDeadlinePassesOnAThreadOfItsOwn() throws InterruptedException {
    CountDownLatch acted = new CountDownLatch(1);
    AtomicInteger times = new AtomicInteger();
    Thread caller = Thread.currentThread();
    Thread[] actor = new Thread[1];
    DeadlineWatch watch =
        DeadlineWatch.start(
            "parmap-test-deadline",
            System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20),
            () -> {
              actor[0] = Thread.currentThread();
              times.incrementAndGet();
              acted.countDown();
            });
    assertThat(acted.await(30, TimeUnit.SECONDS)).isTrue();
    watch.end();
    assertThat(times).hasValue(1);
    assertThat(actor[0]).isNotSameAs(caller);
    assertThat(actor[0].isVirtual()).isTrue();
    assertThat(actor[0].isAlive()).isFalse();
  }

  @Test
  void endedBeforeTheDeadlineItNeverActsAndItsThreadHasEnded() {
    AtomicInteger times = new AtomicInteger();
    DeadlineWatch watch =
        DeadlineWatch.start(
            "parmap-test-deadline",
            System.nanoTime() + TimeUnit.DAYS.toNanos(1),
            times::incrementAndGet);
    watch.end();
    watch.end(); // twice is fine
    assertThat(times).hasValue(0);
  }

  @Test
  void endKeepsTheCallersInterruptFlag() {
    DeadlineWatch watch =
        DeadlineWatch.start(
            "parmap-test-deadline", System.nanoTime() + TimeUnit.DAYS.toNanos(1), () -> {});
    Thread.currentThread().interrupt();
    watch.end();
    assertThat(Thread.interrupted()).isTrue();
  }
}
