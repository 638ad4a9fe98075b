package dev.parmap.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parmap.ParmapException;
import org.junit.jupiter.api.Test;

/** The failure bookkeeping alone: the first failure wins, later ones are suppressed, bounded. */
class FailuresTest {

  @Test
  void theFirstFailureIsThePrimaryAndLaterOnesAreItsSuppressedUpToTheBound() {
    Failures failures = new Failures();
    assertThat(failures.any()).isFalse();
    ParmapException first = new ParmapException("first", null);
    assertThat(failures.record(first, new IllegalStateException())).isTrue();
    for (int i = 0; i < Failures.MAX_SUPPRESSED + 5; i++) {
      assertThat(failures.record(new ParmapException("later " + i, null), new RuntimeException()))
          .isFalse();
    }
    assertThat(failures.any()).isTrue();
    assertThat(failures.primary()).isSameAs(first);
    assertThat(failures.report()).isSameAs(first);
    assertThat(failures.fatal()).isNull();
    assertThat(first.getSuppressed()).hasSize(Failures.MAX_SUPPRESSED);
    assertThat(first.getSuppressed()[0]).hasMessage("later 0");
  }

  @Test
  void aVirtualMachineErrorIsThrownAsItIsWithTheReportAttached() {
    Failures failures = new Failures();
    OutOfMemoryError oom = new OutOfMemoryError("heap");
    ParmapException report = new ParmapException("item #3", oom);
    assertThat(failures.record(report, oom)).isTrue();
    assertThat(failures.fatal()).isSameAs(oom);
    assertThat(failures.report()).isNull();
    assertThat(oom.getSuppressed()).containsExactly(report);
  }

  @Test
  void aStackOverflowIsReportedLikeAnyTaskFailure() {
    Failures failures = new Failures();
    ParmapException report = new ParmapException("item #1", null);
    failures.record(report, new StackOverflowError());
    assertThat(failures.fatal()).isNull();
    assertThat(failures.report()).isSameAs(report);
  }

  @Test
  void anErrorRecordedAsItIsIsThrownAsItIs() {
    Failures failures = new Failures();
    AssertionError error = new AssertionError("listener");
    assertThat(failures.recordError(error)).isTrue();
    assertThat(failures.fatal()).isSameAs(error);
    assertThat(failures.recordError(new AssertionError("second"))).isFalse();
    assertThat(error.getSuppressed()).hasSize(1);
  }

  @Test
  void failuresAfterTheEndAreThrownOnlyIfTheCallSucceeded() {
    Failures succeeded = new Failures();
    succeeded.recordAfterEnd(new IllegalStateException("onFinish"));
    succeeded.recordAfterEnd(new IllegalStateException("again"));
    assertThatThrownBy(succeeded::throwAfterEnd)
        .hasMessage("onFinish")
        .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));

    Failures failed = new Failures();
    ParmapException primary = new ParmapException("item #0", null);
    failed.record(primary, new RuntimeException());
    failed.recordAfterEnd(new IllegalStateException("onFinish"));
    failed.throwAfterEnd(); // nothing: it went to the primary
    assertThat(primary.getSuppressed()).hasSize(1);
  }
}
