package dev.parmap.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parmap.DeadlineExceededException;
import dev.parmap.Outcome;
import dev.parmap.TestAccess;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** A call's deadline alone: passing it, the items it cuts short, and its report. */
class DeadlineTest {

  private static Chunk chunkOf(long first, int size, boolean withResults) {
    @Nullable Object[] items = new Object[size];
    for (int i = 0; i < size; i++) {
      items[i] = "item" + (first + i);
    }
    return new Chunk(first, size, items, withResults ? new Object[size] : null, 0);
  }

  @Test
  void aCallWithoutADeadlineNeverPassesIt() {
    Deadline none = new Deadline("Pool.map", TestAccess.types(), null, System.nanoTime());
    assertThat(none.exists()).isFalse();
    assertThat(none.check()).isFalse();
    assertThat(none.nanosLeft()).isEqualTo(-1);
    none.watch("parmap-test-deadline", () -> {}); // nothing to watch
    none.endWatch();
    assertThat(none.passed()).isNull();
  }

  @Test
  void aDeadlineInThePastHasPassedAndCutsTheUnfinishedItemsShort() {
    Deadline deadline =
        new Deadline(
            "Pool.map",
            TestAccess.types(),
            Duration.ofMillis(1),
            System.nanoTime() - 1_000_000_000L);
    assertThat(deadline.check()).isTrue();
    assertThat(deadline.nanosLeft()).isZero();
    assertThat(deadline.passed()).isNotNull();

    Chunk chunk = chunkOf(10, 4, false);
    chunk.done = 1;
    deadline.cutShort(chunk, false);
    assertThat(deadline.unfinishedCount()).isEqualTo(3);
    DeadlineExceededException report = (DeadlineExceededException) deadline.report(7);
    assertThat(report.finished()).isEqualTo(7);
    assertThat(report.unfinished()).containsExactly(11L, 12L, 13L);
  }

  @Test
  void withOutcomesTheItemsItCutShortAreFailuresCausedByIt() {
    Deadline deadline =
        new Deadline("Pool.mapOutcomes", TestAccess.types(), Duration.ofMillis(1), 0);
    deadline.pass();
    Chunk chunk = chunkOf(0, 3, true);
    chunk.done = 1;
    chunk.cutAttempts = 2;
    deadline.cutShort(chunk, true);
    assertThat(chunk.done).isEqualTo(3); // counts as done: every item has its outcome
    Outcome.Failure<?, ?> first = (Outcome.Failure<?, ?>) chunk.results[1];
    assertThat(first.index()).isEqualTo(1);
    assertThat(first.attempts()).isEqualTo(2);
    assertThat(first.cause()).isSameAs(deadline.passed());
    assertThat(((Outcome.Failure<?, ?>) chunk.results[2]).attempts()).isZero();
  }

  @Test
  void theWatchPassesTheDeadlineAndActsOnItsOwnThread() throws InterruptedException {
    CountDownLatch acted = new CountDownLatch(1);
    Deadline deadline =
        new Deadline("Pool.map", TestAccess.types(), Duration.ofMillis(20), System.nanoTime());
    deadline.watch("parmap-test-deadline", acted::countDown);
    assertThat(acted.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(deadline.passed()).isNotNull(); // recorded before the action ran
    deadline.endWatch();
  }

  @Test
  void aForeverDeadlineSaturates() {
    Deadline forever =
        new Deadline(
            "Pool.map", TestAccess.types(), Duration.ofMillis(Long.MAX_VALUE), System.nanoTime());
    assertThat(forever.check()).isFalse();
    assertThat(forever.nanosLeft()).isPositive();
  }

  @Test
  void itemsAYieldedChunkHandedOnAreNotReportedAsCutShortByIt() {
    Deadline deadline =
        new Deadline("Pool.mapOutcomes", TestAccess.types(), Duration.ofMillis(1), 0);
    deadline.pass();
    Chunk parent = chunkOf(0, 4, true);
    parent.done = 1;
    Chunk child = parent.child(1, 3);
    parent.handedOn(child);
    deadline.cutShort(parent, true);
    assertThat(deadline.unfinishedCount()).isZero();
    assertThat(parent.results[1]).isNull(); // the child's slot, not filled by the parent
    child.done = 1;
    deadline.cutShort(child, true);
    assertThat(deadline.unfinishedCount()).isEqualTo(2);
    assertThat(((Outcome.Failure<?, ?>) parent.results[2]).index()).isEqualTo(2);
  }
}
