package dev.parmap.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The values an observer receives: what their builders make, their equality and their text. */
class ObservedValuesTest {

  private static final CallInfo CALL =
      CallInfo.builder("Pool.map").pool("Pool.virtual(8)").total(1000).build();

  @Test
  void aCallInfoSaysWhatTheCallIsAndEqualsOneWithTheSameParts() {
    assertThat(CALL.what()).isEqualTo("Pool.map");
    assertThat(CALL.pool()).isEqualTo("Pool.virtual(8)");
    assertThat(CALL.total()).isEqualTo(1000);
    assertThat(CALL).hasToString("Pool.map on Pool.virtual(8), 1000 items");
    CallInfo same = CallInfo.builder("Pool.map").pool("Pool.virtual(8)").total(1000).build();
    assertThat(CALL).isEqualTo(same).hasSameHashCodeAs(same);
    assertThat(CALL).isNotEqualTo(CallInfo.builder("Pool.map").pool("Pool.virtual(8)").build());
    CallInfo bare = CallInfo.builder("Pool.stream").build();
    assertThat(bare.pool()).isEmpty();
    assertThat(bare.total()).isEqualTo(-1);
    assertThat(bare).hasToString("Pool.stream, items unknown");
    assertThatThrownBy(() -> CallInfo.builder("x").total(-2))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aChunkEventHoldsWhatItWasBuiltWithAndOneBuilderMakesIndependentEvents() {
    ChunkEvent.Builder builder =
        ChunkEvent.builder().thread("w-1", false).items(10, 5).counts(4, 1, 2).time(100, 900);
    ChunkEvent first = builder.build();
    ChunkEvent second = builder.thread("v", true).items(15, 1).counts(1, 0, 0).time(5, 6).build();
    assertThat(first.thread()).isEqualTo("w-1");
    assertThat(first.virtual()).isFalse();
    assertThat(first.firstIndex()).isEqualTo(10);
    assertThat(first.size()).isEqualTo(5);
    assertThat(first.done()).isEqualTo(4);
    assertThat(first.failed()).isEqualTo(1);
    assertThat(first.retries()).isEqualTo(2);
    assertThat(first.startNanos()).isEqualTo(100);
    assertThat(first.endNanos()).isEqualTo(900);
    assertThat(second.virtual()).isTrue();
    assertThat(second.firstIndex()).isEqualTo(15);
    assertThat(first).isNotEqualTo(second);
    ChunkEvent again =
        ChunkEvent.builder()
            .thread("w-1", false)
            .items(10, 5)
            .counts(4, 1, 2)
            .time(100, 900)
            .build();
    assertThat(first).isEqualTo(again).hasSameHashCodeAs(again);
    assertThat(first.toString()).contains("w-1", "#10+5", "failed=1", "retries=2");
    assertThat(second.toString()).contains("(virtual)");
    assertThat(ChunkEvent.builder().build().thread()).isEmpty();
  }

  @Test
  void progressHoldsItsCountsAndRate() {
    Progress progress =
        Progress.builder().total(100).counts(50, 2, 3).elapsed(Duration.ofSeconds(2)).build();
    assertThat(progress.total()).isEqualTo(100);
    assertThat(progress.done()).isEqualTo(50);
    assertThat(progress.failed()).isEqualTo(2);
    assertThat(progress.retried()).isEqualTo(3);
    assertThat(progress.elapsed()).isEqualTo(Duration.ofSeconds(2));
    assertThat(progress.itemsPerSecond()).isEqualTo(25.0);
    assertThat(progress)
        .isEqualTo(
            Progress.builder().total(100).counts(50, 2, 3).elapsed(Duration.ofSeconds(2)).build())
        .isNotEqualTo(Progress.builder().build());
    assertThat(progress.hashCode())
        .isEqualTo(
            Progress.builder()
                .total(100)
                .counts(50, 2, 3)
                .elapsed(Duration.ofSeconds(2))
                .build()
                .hashCode());
    assertThat(progress).hasToString("Progress[50/100, failed=2, retried=3, elapsed=PT2S]");
    Progress start = Progress.builder().build();
    assertThat(start.total()).isEqualTo(-1);
    assertThat(start.itemsPerSecond()).isZero();
    assertThat(start.toString()).startsWith("Progress[0/?");
  }

  @Test
  void callStatsBelongToTheirCallAndDeriveTheirRates() {
    Map<String, Duration> busy = new HashMap<>(Map.of("w-1", Duration.ofMillis(300)));
    Map<Integer, Long> sizes = new HashMap<>(Map.of(4, 2L, 1, 3L));
    CallStats stats =
        CallStats.builder(CALL, CallStats.Ending.COMPLETED)
            .counts(1000, 10, 20)
            .time(Duration.ofMillis(500), Duration.ofMillis(800), busy)
            .parallelism(2)
            .latency(Duration.ofNanos(850), Duration.ofNanos(12_300), Duration.ofMillis(4))
            .chunks(5, sizes)
            .build();
    busy.clear(); // copied
    sizes.clear();
    assertThat(stats.call()).isSameAs(CALL);
    assertThat(stats.ending()).isEqualTo(CallStats.Ending.COMPLETED);
    assertThat(stats.items()).isEqualTo(1000);
    assertThat(stats.successes()).isEqualTo(990);
    assertThat(stats.failures()).isEqualTo(10);
    assertThat(stats.retries()).isEqualTo(20);
    assertThat(stats.wallTime()).isEqualTo(Duration.ofMillis(500));
    assertThat(stats.busyTime()).isEqualTo(Duration.ofMillis(800));
    assertThat(stats.busyTimeByThread()).containsOnlyKeys("w-1");
    assertThat(stats.parallelism()).isEqualTo(2);
    assertThat(stats.latencyP50()).isEqualTo(Duration.ofNanos(850));
    assertThat(stats.latencyP95()).isEqualTo(Duration.ofNanos(12_300));
    assertThat(stats.latencyP99()).isEqualTo(Duration.ofMillis(4));
    assertThat(stats.chunks()).isEqualTo(5);
    assertThat(stats.chunkSizes()).isEqualTo(new TreeMap<>(Map.of(1, 3L, 4, 2L)));
    assertThat(List.copyOf(stats.chunkSizes().keySet())).containsExactly(1, 4);
    assertThat(stats.utilisation()).isEqualTo(0.8);
    assertThat(stats.throughput()).isEqualTo(2000.0);
    assertThat(stats.meanChunkSize()).isEqualTo(200.0);
    assertThat(stats)
        .hasToString(
            "Pool.map completed: 1000 items (990 ok, 10 failed, 20 retries) in 500.0 ms, 2000"
                + " items/s, utilisation 80%, latency p50 850 ns p95 12.3 µs p99 4.00 ms, 5 chunks"
                + " (mean 200.0 items)");
    assertThatThrownBy(() -> stats.chunkSizes().put(8, 1L))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void callStatsEqualOnlyStatisticsOfTheSameCallWithTheSameFigures() {
    CallStats.Builder builder =
        CallStats.builder(CALL, CallStats.Ending.DEADLINE_EXCEEDED).counts(3, 0, 0);
    CallStats stats = builder.build();
    assertThat(stats).isEqualTo(builder.build()).hasSameHashCodeAs(builder.build());
    assertThat(stats)
        .isNotEqualTo(CallStats.builder(CALL, CallStats.Ending.CANCELLED).counts(3, 0, 0).build())
        .isNotEqualTo(
            CallStats.builder(
                    CallInfo.builder("Pool.map").build(), CallStats.Ending.DEADLINE_EXCEEDED)
                .counts(3, 0, 0)
                .build());
    assertThat(stats.toString()).startsWith("Pool.map deadline exceeded: 3 items");
    CallStats empty = CallStats.builder(CALL, CallStats.Ending.CANCELLED).build();
    assertThat(empty.utilisation()).isZero();
    assertThat(empty.throughput()).isZero();
    assertThat(empty.meanChunkSize()).isZero();
    assertThat(empty.chunkSizes()).isEmpty();
    assertThat(
            CallStats.builder(CALL, CallStats.Ending.COMPLETED)
                .time(Duration.ofSeconds(2), Duration.ofSeconds(3), Map.of())
                .build()
                .toString())
        .contains("in 2000.0 ms");
    assertThatThrownBy(() -> CallStats.builder(CALL, CallStats.Ending.FAILED).counts(1, 2, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CallStats.builder(CALL, CallStats.Ending.FAILED).parallelism(0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
