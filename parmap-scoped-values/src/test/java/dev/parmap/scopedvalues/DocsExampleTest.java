package dev.parmap.scopedvalues;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parmap.MapOptions;
import dev.parmap.Pool;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The "ScopedValue" example of docs/seeing-the-run.md is this test's code, and works. */
class DocsExampleTest {
  static final ScopedValue<String> USER = ScopedValue.newInstance();

  private final List<String> orders = List.of("o-1", "o-2", "o-3");

  @Test
  void everyTaskReadsTheCallersUser() throws Exception {
    List<String> lines;
    MapOptions options = MapOptions.builder().propagate(ScopedValuePropagator.of(USER)).build();
    try (Pool pool = Pool.virtual().with(options)) {
      lines =
          ScopedValue.where(USER, "alice").call(() -> pool.map(orders, o -> USER.get() + ": " + o));
    }
    assertThat(lines).containsExactly("alice: o-1", "alice: o-2", "alice: o-3");
  }
}
