package dev.parmap.progressbar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parmap.MapOptions;
import dev.parmap.Pool;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ConsoleProgress.Display#AUTO} outside a terminal, as in CI and under Maven. */
class TerminalDetectionTest {

  @Test
  void testsDoNotRunInAnInteractiveTerminal() {
    assertThat(ConsoleProgress.isTerminal(null)).isFalse();
    assertThat(ConsoleProgress.interactiveTerminal()).isFalse(); // surefire's output is a pipe
  }

  @Test
  void outsideATerminalTheDefaultWritesPlainLinesToStandardError() {
    Captured err = new Captured();
    PrintStream original = System.err;
    System.setErr(err.stream);
    try (Pool pool =
        Pool.virtual().with(MapOptions.builder().listener(ConsoleProgress.bar()).build())) {
      pool.map(List.of(1, 2, 3), i -> i);
    } finally {
      System.setErr(original);
    }

    assertThat(err.lines()).first().isEqualTo("Pool.map: started, 3 items");
    assertThat(err.lastLine()).startsWith("Pool.map: finished 3/3 in ");
    assertThat(err.text()).doesNotContain("\r", "\u001b");
  }
}
