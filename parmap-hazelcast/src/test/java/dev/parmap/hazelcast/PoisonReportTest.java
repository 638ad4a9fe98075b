package dev.parmap.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PoisonReportTest {

  @Test
  void aChunkOfOneItemNamesItsIndexAndValue() {
    assertThat(PoisonReport.describe(13, new Object[] {"item-13"})).isEqualTo("item #13 (item-13)");
  }

  @Test
  void aLargerChunkNamesItsFirstItemsAndCountsTheRest() {
    Object[] items = IntStream.range(0, 12).mapToObj(i -> "v" + i).toArray();

    assertThat(PoisonReport.describe(100, items))
        .isEqualTo("one of items #100 (v0), #101 (v1), #102 (v2), #103 (v3), #104 (v4) and 7 more");
  }

  @Test
  void longValuesAndFailingToStringsAreBounded() {
    String huge = "x".repeat(10_000);
    Object throwing =
        new Object() {
          @Override
          public String toString() {
            throw new IllegalStateException("no");
          }
        };

    assertThat(PoisonReport.shown(huge)).hasSize(PoisonReport.MAX_ITEM_CHARS + 3).endsWith("...");
    assertThat(PoisonReport.shown(throwing)).contains("whose toString() threw");
    assertThat(PoisonReport.shown(null)).isEqualTo("null");
    assertThat(PoisonReport.bounded(IntStream.range(0, 20).mapToObj(i -> "r" + i).toList()))
        .hasSize(PoisonReport.MAX_REASONS + 1)
        .endsWith("and 12 more");
    assertThat(PoisonReport.bounded(List.of("a"))).containsExactly("a");
  }
}
