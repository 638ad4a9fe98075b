package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@link Parmap#toList(Task)}: parmap at the end of a stream pipeline. */
class CollectorTest {

  @Test
  void collectsResultsInEncounterOrder() {
    List<Integer> results = IntStream.range(0, 10_000).boxed().collect(Parmap.toList(i -> i * 2));
    assertThat(results).isEqualTo(IntStream.range(0, 10_000).map(i -> i * 2).boxed().toList());
  }

  @Test
  void aParallelStreamStillGivesEncounterOrder() {
    List<String> results =
        IntStream.range(0, 10_000).parallel().boxed().collect(Parmap.toList(String::valueOf));
    assertThat(results).isEqualTo(IntStream.range(0, 10_000).mapToObj(String::valueOf).toList());
  }

  @Test
  void failuresAreReportedAsForMap() {
    assertThatThrownBy(
            () ->
                Stream.of("a", "b")
                    .collect(
                        Parmap.toList(
                            s -> {
                              if (s.equals("b")) {
                                throw new IllegalStateException("no b");
                              }
                              return s;
                            })))
        .isInstanceOf(TaskFailedException.class)
        .hasMessageContaining("#1");
  }

  @Test
  @SuppressWarnings("NullAway") // null on purpose
  void nullTaskIsRejectedAtOnce() {
    assertThatThrownBy(() -> Parmap.toList(null)).hasMessage("task must not be null");
  }
}
