package dev.parmap.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parmap.CallInterruptedException;
import dev.parmap.InputFailedException;
import dev.parmap.ParmapException;
import dev.parmap.TaskFailedException;
import dev.parmap.TestAccess;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wording of a call's own failures, in the front end's public types. */
class CallReportsTest {
  private final CallReports reports = new CallReports("Pool.map", TestAccess.types());

  @Test
  void eachReportNamesTheCallAndSaysWhatToDo() {
    assertThat(reports.tooManyResults())
        .isInstanceOf(ParmapException.class)
        .hasMessageContaining("Pool.map cannot return more than")
        .hasMessageContaining("use Pool.stream or Pool.forEach");
    IllegalStateException rejected = new IllegalStateException("full");
    assertThat(reports.couldNotStart("Pool.threads(2)", rejected))
        .isInstanceOf(ParmapException.class)
        .hasMessageContaining("could not start a task on Pool.threads(2)")
        .hasCause(rejected);
    assertThat(reports.stopped(null)).hasMessage("Pool.map was stopped: it was cancelled");
    assertThat(reports.stopped("the pool was terminated"))
        .hasMessage("Pool.map was stopped: the pool was terminated");
  }

  @Test
  void itemAndInputFailuresAreTheFrontEndsTypes() {
    IllegalStateException cause = new IllegalStateException("boom");
    assertThat(reports.taskFailed(7, "x", List.of(cause)))
        .isInstanceOf(TaskFailedException.class)
        .hasCause(cause);
    assertThat(reports.inputFailed(new Input.Failed(4, cause)))
        .isInstanceOfSatisfying(InputFailedException.class, e -> assertThat(e.index()).isEqualTo(4))
        .hasCause(cause);
    InterruptedException interrupt = new InterruptedException();
    assertThat(reports.interrupted(interrupt))
        .isInstanceOf(CallInterruptedException.class)
        .hasCause(interrupt);
  }

  @Test
  void aMachineryFailureNamesTheChunksItems() {
    Chunk chunk = new Chunk(10, 3, new Object[] {1, 2, 3}, null, 0);
    RuntimeException broken = new RuntimeException("scope did not close");
    assertThat(reports.machineryFailed(chunk, broken))
        .hasMessageContaining("the work around the items #10-#12 failed")
        .hasCause(broken);
  }
}
