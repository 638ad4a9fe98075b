package dev.parmap;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad arguments fail at once, with a message that names the argument. */
class ArgumentsTest {

  @Test
  @SuppressWarnings("NullAway") // passing null on purpose
  void nullArgumentsAreNamed() {
    List<Integer> items = List.of(1);
    assertThatThrownBy(() -> Parmap.map(null, i -> i))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("items must not be null");
    assertThatThrownBy(() -> Parmap.map(items, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("task must not be null");
    assertThatThrownBy(() -> Parmap.forEach(items, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("action must not be null");
    assertThatThrownBy(() -> Parmap.forEach(null, i -> {}))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("items must not be null");
    try (Pool pool = Pool.virtual()) {
      assertThatThrownBy(() -> pool.map(null, i -> i)).hasMessage("items must not be null");
      assertThatThrownBy(() -> pool.map(items, null)).hasMessage("task must not be null");
      assertThatThrownBy(() -> pool.forEach(items, null)).hasMessage("action must not be null");
      assertThatThrownBy(() -> pool.stream(null, i -> i)).hasMessage("items must not be null");
      assertThatThrownBy(() -> pool.streamUnordered(items, null))
          .hasMessage("task must not be null");
      assertThatThrownBy(() -> pool.mapAsync(items, null)).hasMessage("task must not be null");
      assertThatThrownBy(() -> pool.submit(null)).hasMessage("task must not be null");
    }
    assertThatThrownBy(() -> Pool.using(null)).hasMessage("executor must not be null");
  }

  @Test
  void sizesBelowOneAreRejectedWithTheirValue() {
    assertThatThrownBy(() -> Pool.threads(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("threads must be at least 1, but was 0");
    assertThatThrownBy(() -> Pool.virtual(-3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxConcurrency must be at least 1, but was -3");
  }
}
