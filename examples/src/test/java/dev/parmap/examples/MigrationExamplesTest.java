package dev.parmap.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parmap.examples.MigrationExamples.Pair;
import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationExamplesTest {

  private static final List<String> URLS =
      List.of("https://a.example", "https://bb.example", "https://ccc.example");

  @Test
  void eachRecipeComputesWhatTheCodeItReplacesComputes() throws Exception {
    List<Integer> sizes = List.of(17, 18, 19);
    assertThat(MigrationExamples.parallelStreamBefore(URLS)).isEqualTo(sizes);
    assertThat(MigrationExamples.parallelStreamAfter(URLS)).isEqualTo(sizes);
    assertThat(MigrationExamples.invokeAllBefore(URLS)).isEqualTo(sizes);
    assertThat(MigrationExamples.invokeAllAfter(URLS)).isEqualTo(sizes);
    assertThat(MigrationExamples.supplyAsyncBefore(URLS)).isEqualTo(sizes);
    assertThat(MigrationExamples.supplyAsyncAfter(URLS)).isEqualTo(sizes);
  }

  @Test
  void thePythonRecipesGiveEveryResult() {
    assertThat(MigrationExamples.asCompleted(URLS)).containsExactlyInAnyOrder(17, 18, 19);
    assertThat(MigrationExamples.starmap(List.of(new Pair("a", 1), new Pair("b", 2))))
        .containsExactly("a:1", "b:2");
    assertThat(MigrationExamples.initializer(List.of("ab", "cd"))).containsExactly("ba", "dc");
  }
}
