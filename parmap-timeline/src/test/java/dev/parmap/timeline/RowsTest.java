package dev.parmap.timeline;

import static dev.parmap.timeline.Runs.chunk;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parmap.observe.ChunkEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RowsTest {

  @Test
  void eachVirtualChunkGoesToTheFirstRowFreeAtItsStart() {
    // a: 0-10, b: 2-5, c: 5-8 (b's row is free again at 5), d: 6-12 (both rows busy), e: 11-13.
    ChunkEvent a = chunk("v-a", true, 0, 0, 10);
    ChunkEvent b = chunk("v-b", true, 1, 2, 5);
    ChunkEvent c = chunk("v-c", true, 2, 5, 8);
    ChunkEvent d = chunk("v-d", true, 3, 6, 12);
    ChunkEvent e = chunk("v-e", true, 4, 11, 13);

    List<Timeline.Row> rows = timeline(List.of(e, d, c, b, a)).rows();

    assertThat(rows)
        .extracting(Timeline.Row::name)
        .containsExactly("virtual 1", "virtual 2", "virtual 3");
    assertThat(rows.get(0).chunks()).containsExactly(a, e); // a ends at 10, e starts at 11
    assertThat(rows.get(1).chunks()).containsExactly(b, c); // c starts exactly when b ends
    assertThat(rows.get(2).chunks()).containsExactly(d);
  }

  @Test
  void randomVirtualRunsArePackedIntoAsManyRowsAsChunksRanAtOnceWithoutOverlap() {
    Random random = new Random(20_240_601);
    for (int round = 0; round < 200; round++) {
      List<ChunkEvent> chunks = new ArrayList<>();
      int n = 1 + random.nextInt(60);
      for (int i = 0; i < n; i++) {
        long start = random.nextInt(1_000);
        chunks.add(chunk("v" + i, true, i, start, start + random.nextInt(200)));
      }
      Timeline timeline = timeline(chunks);

      assertThat(timeline.rows()).hasSize(peakOverlap(chunks));
      assertThat(timeline.rows().stream().flatMap(row -> row.chunks().stream()))
          .containsExactlyInAnyOrderElementsOf(chunks);
      timeline.rows().forEach(RowsTest::assertNoOverlap);
    }
  }

  @Test
  void platformThreadsGetARowEachInNaturalNameOrderBeforeTheVirtualRows() {
    List<ChunkEvent> chunks =
        List.of(
            chunk("worker-10", false, 0, 0, 5),
            chunk("worker-2", false, 1, 0, 5),
            chunk("worker-2", false, 2, 5, 9),
            chunk("virtual-x", true, 3, 1, 2),
            chunk("alpha", false, 4, 3, 4));

    List<Timeline.Row> rows = timeline(chunks).rows();

    assertThat(rows)
        .extracting(Timeline.Row::name)
        .containsExactly("alpha", "worker-2", "worker-10", "virtual 1");
    assertThat(rows.get(1).chunks()).extracting(ChunkEvent::firstIndex).containsExactly(1L, 2L);
    assertThat(rows.get(3).virtual()).isTrue();
  }

  @Test
  void twoThreadsWithTheSameNameThatRanAtOnceGetTwoRows() {
    List<ChunkEvent> chunks =
        List.of(
            chunk("worker", false, 0, 0, 10),
            chunk("worker", false, 1, 2, 6),
            chunk("worker", false, 2, 10, 12));

    List<Timeline.Row> rows = timeline(chunks).rows();

    assertThat(rows).extracting(Timeline.Row::name).containsExactly("worker", "worker (2)");
    rows.forEach(RowsTest::assertNoOverlap);
  }

  @Test
  void naturalOrderComparesDigitRunsAsNumbers() {
    List<String> names =
        new ArrayList<>(
            List.of("w-10", "w-9", "w-010", "w-1-b", "w-1-a", "w", "w-", "x-0", "w-00"));
    names.sort(Rows::compareNatural);
    assertThat(names)
        .containsExactly("w", "w-", "w-00", "w-1-a", "w-1-b", "w-9", "w-010", "w-10", "x-0");
  }

  /**
   * The largest number of chunks running at one moment (a chunk ending at t does not overlap one
   * starting at t).
   */
  static int peakOverlap(List<ChunkEvent> chunks) {
    List<long[]> edges = new ArrayList<>();
    for (ChunkEvent chunk : chunks) {
      edges.add(new long[] {chunk.startNanos(), +1});
      edges.add(new long[] {Math.max(chunk.startNanos(), chunk.endNanos()), -1});
    }
    // At equal times, ends before starts.
    edges.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
    int running = 0;
    int peak = 0;
    for (long[] edge : edges) {
      running += (int) edge[1];
      peak = Math.max(peak, running);
    }
    return peak;
  }

  static void assertNoOverlap(Timeline.Row row) {
    List<ChunkEvent> chunks = row.chunks();
    for (int i = 1; i < chunks.size(); i++) {
      assertThat(chunks.get(i).startNanos())
          .as(
              "row %s: chunk %s starts before %s ends",
              row.name(), chunks.get(i), chunks.get(i - 1))
          .isGreaterThanOrEqualTo(chunks.get(i - 1).endNanos());
    }
  }

  private static Timeline timeline(List<ChunkEvent> chunks) {
    return Timeline.of(chunks, Runs.stats("test", chunks));
  }
}
