package dev.parmap.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ChunkTimesTest {

  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  @Test
  void noHedgeBeforeEnoughRoundTripsAreMeasured() {
    ChunkTimes times = new ChunkTimes();
    assertThat(times.median()).isEqualTo(-1);
    for (int i = 1; i < ChunkTimes.MIN_SAMPLES; i++) {
      times.answered(10 * MS);
      assertThat(times.hedgeAfterNanos()).isEqualTo(Long.MAX_VALUE);
    }
    times.answered(10 * MS);
    assertThat(times.hedgeAfterNanos()).isEqualTo(ChunkTimes.HEDGE_FLOOR_NANOS);
  }

  @Test
  void aHedgeWaitsForTheFactorTimesTheMedianAboveTheFloor() {
    ChunkTimes times = new ChunkTimes();
    for (long ms : new long[] {400, 500, 600, 5_000, 450}) {
      times.answered(ms * MS);
    }
    assertThat(times.median()).isEqualTo(500 * MS); // one slow chunk does not move it
    assertThat(times.hedgeAfterNanos()).isEqualTo(ChunkTimes.HEDGE_FACTOR * 500 * MS);
  }

  @Test
  void theMedianFollowsTheRecentRoundTripsOnly() {
    ChunkTimes times = new ChunkTimes();
    for (int i = 0; i < 100; i++) {
      times.answered(1_000 * MS);
    }
    for (int i = 0; i < 32; i++) {
      times.answered(2 * MS);
    }
    assertThat(times.median()).isEqualTo(2 * MS);
  }

  @Test
  void chunksQueueOnMembersOnlyOnceMeasuredShort() {
    ChunkTimes times = new ChunkTimes();
    for (int i = 0; i < ChunkTimes.MIN_SAMPLES - 1; i++) {
      times.answered(MS);
    }
    assertThat(times.chunksAreShort()).as("not measured enough").isFalse();
    times.answered(MS);
    assertThat(times.chunksAreShort()).isTrue();
    for (int i = 0; i < 32; i++) {
      times.answered(ChunkTimes.SHORT_CHUNK_NANOS);
    }
    assertThat(times.chunksAreShort()).as("slow chunks").isFalse();
  }
}
