package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What happens when a task or the input fails: fail fast, report precisely, leave nothing. */
class FailFastTest {

  static List<PoolKind> pools() {
    return PoolKind.all();
  }

  @ParameterizedTest
  @MethodSource("pools")
  void failureOfOneItemInterruptsTheOthersAndWaitsForThem(PoolKind kind) {
    int siblings = 3;
    CountDownLatch siblingsBlocked = new CountDownLatch(siblings);
    AtomicInteger interrupted = new AtomicInteger();
    AtomicInteger ended = new AtomicInteger();
    IOException boom = new IOException("boom");
    try (Pool pool = kind.create(siblings + 1)) {
      TaskFailedException failure =
          catchThrowableOfType(
              TaskFailedException.class,
              () ->
                  pool.map(
                      List.of("a", "b", "c", "fail"),
                      item -> {
                        if (item.equals("fail")) {
                          assertThat(siblingsBlocked.await(30, TimeUnit.SECONDS)).isTrue();
                          throw boom;
                        }
                        try {
                          siblingsBlocked.countDown();
                          new CountDownLatch(1).await(); // until interrupted
                          return item;
                        } catch (InterruptedException e) {
                          interrupted.incrementAndGet();
                          throw e;
                        } finally {
                          ended.incrementAndGet();
                        }
                      }));
      assertThat(failure).isNotNull();
      assertThat(failure.getCause()).isSameAs(boom);
      assertThat(failure.index()).isEqualTo(3);
      assertThat(failure.item()).isEqualTo("fail");
      assertThat(failure).hasMessageContaining("#3").hasMessageContaining("\"fail\"");
      assertThat(failure.getSuppressed()).isEmpty(); // interrupted siblings are consequences
      // The call returned only after every sibling had been interrupted and had ended.
      assertThat(interrupted).hasValue(siblings);
      assertThat(ended).hasValue(siblings);
    }
  }

  @Test
  void noItemStartsAfterAFailure() {
    // One thread runs the items one after the other: the item after the failed one must not run.
    List<Integer> started = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    try (Pool pool = Pool.threads(1)) {
      assertThatThrownBy(
              () ->
                  pool.map(
                      IntStream.range(0, 1000).boxed().toList(),
                      i -> {
                        started.add(i);
                        if (i == 5) {
                          throw new IllegalStateException("item 5 fails");
                        }
                        return i;
                      }))
          .isInstanceOf(TaskFailedException.class);
    }
    assertThat(started).containsExactly(0, 1, 2, 3, 4, 5);
  }

  @Test
  void everyStartedItemHasEndedWhenTheFailureIsThrown() {
    AtomicInteger started = new AtomicInteger();
    AtomicInteger ended = new AtomicInteger();
    assertThatThrownBy(
            () ->
                Parmap.map(
                    IntStream.range(0, 10_000).boxed().toList(),
                    i -> {
                      started.incrementAndGet();
                      try {
                        if (i == 100) {
                          throw new IllegalStateException("item 100 fails");
                        }
                        Thread.sleep(1);
                        return i;
                      } finally {
                        ended.incrementAndGet();
                      }
                    }))
        .isInstanceOf(TaskFailedException.class);
    assertThat(ended.get()).isEqualTo(started.get()).isLessThan(10_000);
  }

  @Test
  void failureInsideAChunkOfCheapItemsNamesTheExactItem() {
    List<Integer> items = IntStream.range(0, 500_000).boxed().toList();
    TaskFailedException failure =
        catchThrowableOfType(
            TaskFailedException.class,
            () ->
                Parmap.map(
                    items,
                    i -> {
                      if (i == 345_678) {
                        throw new ArithmeticException("bad item");
                      }
                      return i + 1;
                    }));
    assertThat(failure.index()).isEqualTo(345_678);
    assertThat(failure.item()).isEqualTo(345_678);
    assertThat(failure.getCause()).isInstanceOf(ArithmeticException.class);
  }

  @Test
  void otherFailuresThatAreNotInterruptionsAreAttachedAsSuppressed() {
    CountDownLatch bothFailing = new CountDownLatch(2);
    TaskFailedException failure =
        catchThrowableOfType(
            TaskFailedException.class,
            () ->
                Parmap.map(
                    List.of(0, 1),
                    i -> {
                      bothFailing.countDown();
                      // Waits for the other item even if the first failure interrupts it: both
                      // then fail with their own exception, which is not an interruption.
                      awaitIgnoringInterrupts(bothFailing);
                      throw new IOException("failure " + i);
                    }));
    assertThat(failure.getSuppressed()).hasSize(1);
    TaskFailedException other = (TaskFailedException) failure.getSuppressed()[0];
    assertThat(other.index()).isEqualTo(1 - failure.index());
    assertThat(other.getCause()).hasMessage("failure " + other.index());
  }

  private static void awaitIgnoringInterrupts(CountDownLatch latch) {
    while (true) {
      try {
        assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        return;
      } catch (InterruptedException e) {
        // keep waiting: this task reports its own failure, not the interruption
      }
    }
  }

  @Test
  void errorsAreReportedNotSwallowed() {
    TaskFailedException failure =
        catchThrowableOfType(
            TaskFailedException.class,
            () ->
                Parmap.map(
                    List.of(1),
                    i -> {
                      throw new StackOverflowError("deep");
                    }));
    assertThat(failure.getCause()).isInstanceOf(StackOverflowError.class).hasMessage("deep");
  }

  @Test
  void outOfMemoryErrorIsRethrownAsItIsWithTheItemAttached() {
    OutOfMemoryError oom = new OutOfMemoryError("test");
    Throwable thrown =
        catchThrowableOfType(
            OutOfMemoryError.class,
            () ->
                Parmap.map(
                    List.of("x"),
                    i -> {
                      throw oom;
                    }));
    assertThat(thrown).isSameAs(oom);
    assertThat(oom.getSuppressed()).singleElement().isInstanceOf(TaskFailedException.class);
  }

  @Test
  void aTaskThatThrowsInterruptedExceptionOnItsOwnFailsTheCall() {
    TaskFailedException failure =
        catchThrowableOfType(
            TaskFailedException.class,
            () ->
                Parmap.map(
                    List.of(1),
                    i -> {
                      throw new InterruptedException("by the task itself");
                    }));
    assertThat(failure.getCause()).isInstanceOf(InterruptedException.class);
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void iteratorFailureIsReportedWithItsPositionAndCancelsRunningWork() {
    CountDownLatch firstRunning = new CountDownLatch(1);
    AtomicBoolean firstInterrupted = new AtomicBoolean();
    Iterable<Integer> failing =
        () ->
            new Iterator<>() {
              int i;

              @Override
              public boolean hasNext() {
                if (i == 2) {
                  try {
                    // Fail only once item 0 is running, so that there is work to cancel.
                    assertThat(firstRunning.await(30, TimeUnit.SECONDS)).isTrue();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  throw new IllegalStateException("disk gone");
                }
                return true;
              }

              @Override
              public Integer next() {
                return i++;
              }
            };
    InputFailedException failure =
        catchThrowableOfType(
            InputFailedException.class,
            () ->
                Parmap.map(
                    failing,
                    i -> {
                      if (i == 0) {
                        firstRunning.countDown();
                        try {
                          new CountDownLatch(1).await();
                        } catch (InterruptedException e) {
                          firstInterrupted.set(true);
                          throw e;
                        }
                      }
                      return i;
                    }));
    assertThat(failure.index()).isEqualTo(2);
    assertThat(failure.getCause()).hasMessage("disk gone");
    assertThat(failure).hasMessageContaining("#2");
    assertThat(firstInterrupted).isTrue();
  }

  @Test
  void iteratorThatFailsToBeCreatedIsReportedAsAnInputFailure() {
    Iterable<String> broken =
        () -> {
          throw new IllegalStateException("no iterator");
        };
    assertThatThrownBy(() -> Parmap.map(broken, s -> s))
        .isInstanceOf(InputFailedException.class)
        .hasMessageContaining("#0")
        .hasRootCauseMessage("no iterator");
  }

  @Test
  void itemsWhoseToStringThrowsAreStillDescribed() {
    Object evil =
        new Object() {
          @Override
          public String toString() {
            throw new IllegalStateException("no");
          }
        };
    assertThatThrownBy(
            () ->
                Parmap.map(
                    List.of(evil),
                    o -> {
                      throw new IOException("x");
                    }))
        .isInstanceOf(TaskFailedException.class)
        .hasMessageContaining("whose toString() threw");
  }

  @Test
  void longItemDescriptionsAreShortened() {
    String longItem = "y".repeat(500);
    TaskFailedException failure =
        catchThrowableOfType(
            TaskFailedException.class,
            () ->
                Parmap.map(
                    List.of(longItem),
                    o -> {
                      throw new IOException("x");
                    }));
    assertThat(failure.getMessage()).hasSizeLessThan(200).contains("...");
    assertThat(failure.item()).isSameAs(longItem);
  }
}
