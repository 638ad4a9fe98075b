package dev.parmap.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parmap.MapOptions;
import dev.parmap.Pool;
import dev.parmap.TaskFailedException;
import dev.parmap.observe.CallInfo;
import dev.parmap.observe.CallStats;
import dev.parmap.observe.ChunkEvent;
import java.time.Duration;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TimelineRecorderTest {
  private static Timeline run;

  @BeforeAll
  static void record() {
    run = Runs.virtualRunWithFailuresAndRetries();
  }

  @Test
  void eachCallsRecordingWantsChunkEvents() {
    TimelineRecorder recorder = new TimelineRecorder();
    CallInfo call = CallInfo.builder("Pool.map").build();
    assertThat(recorder.onStart(call).wantsChunks()).isTrue();
    assertThat(recorder.onStart(call)).isNotSameAs(recorder.onStart(call)); // one per call
  }

  @Test
  void recordsEveryChunkOfTheCallOnceAndItsStatistics() {
    CallStats stats = run.stats();
    assertThat(stats.call().what()).isEqualTo("Pool.mapOutcomes");
    assertThat(stats.call().total()).isEqualTo(Runs.ITEMS);
    assertThat(stats.items()).isEqualTo(Runs.ITEMS);
    assertThat(stats.failures()).isEqualTo(Runs.EXPECTED_FAILURES);
    assertThat(stats.retries()).isEqualTo(Runs.EXPECTED_RETRIES);

    List<ChunkEvent> chunks = run.chunks();
    assertThat((long) chunks.size()).isEqualTo(stats.chunks());
    assertThat(chunks.stream().mapToLong(ChunkEvent::done).sum()).isEqualTo(stats.items());
    assertThat(chunks.stream().mapToLong(ChunkEvent::failed).sum()).isEqualTo(stats.failures());
    assertThat(chunks.stream().mapToLong(ChunkEvent::retries).sum()).isEqualTo(stats.retries());
    // The chunks tile the input: each index in exactly one chunk.
    List<ChunkEvent> byIndex =
        chunks.stream().sorted(Comparator.comparingLong(ChunkEvent::firstIndex)).toList();
    long next = 0;
    for (ChunkEvent chunk : byIndex) {
      assertThat(chunk.firstIndex()).isEqualTo(next);
      next += chunk.size();
    }
    assertThat(next).isEqualTo(Runs.ITEMS);
    // Each failing item is in a chunk that reports a failure.
    for (int item = 0; item < Runs.ITEMS; item++) {
      if (Runs.alwaysFails(item)) {
        assertThat(chunkOf(byIndex, item).failed()).isPositive();
      } else if (Runs.failsOnce(item)) {
        assertThat(chunkOf(byIndex, item).retries()).isPositive();
      }
    }
    assertThat(chunks).allMatch(ChunkEvent::virtual);
    assertThat(chunks).isSortedAccordingTo(Comparator.comparingLong(ChunkEvent::startNanos));
  }

  @Test
  void virtualThreadRowsAreAsManyAsChunksRanAtOnceAndNeverMoreThanTheConcurrency() {
    assertThat(run.rows()).isNotEmpty().hasSizeLessThanOrEqualTo(Runs.CONCURRENCY);
    assertThat(run.rows()).allMatch(Timeline.Row::virtual);
    assertThat(run.rows().stream().map(Timeline.Row::name))
        .containsExactlyElementsOf(
            IntStream.rangeClosed(1, run.rows().size()).mapToObj(i -> "virtual " + i).toList());
    assertThat(run.rows().stream().mapToInt(row -> row.chunks().size()).sum())
        .isEqualTo(run.chunks().size());
    assertThat(run.rows().size()).isEqualTo(RowsTest.peakOverlap(run.chunks()));
    run.rows().forEach(RowsTest::assertNoOverlap);
  }

  @Test
  void aPoolOfTwoPlatformThreadsGivesExactlyTwoRowsNamedAfterTheThreads() {
    Timeline timeline = Runs.twoThreadRun();

    assertThat(timeline.rows()).hasSize(2).noneMatch(Timeline.Row::virtual);
    List<String> threads =
        timeline.chunks().stream().map(ChunkEvent::thread).distinct().sorted().toList();
    assertThat(threads).hasSize(2).allMatch(name -> name.startsWith("parmap-threads-"));
    assertThat(timeline.rows().stream().map(Timeline.Row::name)).containsExactlyElementsOf(threads);
    for (Timeline.Row row : timeline.rows()) {
      assertThat(row.chunks()).allMatch(chunk -> chunk.thread().equals(row.name()));
    }
  }

  @Test
  void timelineBeforeAnyCallFinishedThrows() {
    TimelineRecorder recorder = new TimelineRecorder();

    assertThatThrownBy(recorder::timeline)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no call has finished yet");
    assertThat(recorder.timelines()).isEmpty();
  }

  @Test
  void keepsOneTimelinePerCallInTheOrderTheyFinished() {
    TimelineRecorder recorder = new TimelineRecorder();
    try (Pool pool = Pool.virtual().with(MapOptions.builder().listener(recorder).build())) {
      pool.map(List.of(1, 2, 3), item -> item);
      pool.forEach(List.of(1, 2, 3, 4, 5), item -> {});
    }

    assertThat(recorder.timelines())
        .extracting(t -> t.stats().call().what(), t -> t.stats().items())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("Pool.map", 3L),
            org.assertj.core.groups.Tuple.tuple("Pool.forEach", 5L));
    assertThat(recorder.timeline()).isSameAs(recorder.timelines().get(1));
    assertThat(recorder.timelines().get(1).chunks().stream().mapToInt(ChunkEvent::done).sum())
        .isEqualTo(5);
  }

  @Test
  void aFailedCallStillYieldsTheTimelineOfWhatRan() {
    TimelineRecorder recorder = new TimelineRecorder();
    try (Pool pool = Pool.virtual().with(MapOptions.builder().listener(recorder).build())) {
      assertThatThrownBy(
              () ->
                  pool.map(
                      List.of(0, 1, 2),
                      item -> {
                        if (item == 1) {
                          throw new IllegalStateException("boom");
                        }
                        return item;
                      }))
          .isInstanceOf(TaskFailedException.class);
    }

    Timeline timeline = recorder.timeline();
    assertThat(timeline.stats().failures()).isEqualTo(1);
    assertThat(timeline.chunks()).anyMatch(chunk -> chunk.failed() == 1);
    assertThat(timeline.toHtml()).contains("class=\"chunk failed");
  }

  @Test
  void callsDrivenByDifferentThreadsAtTheSameTimeGetATimelineEach() throws Exception {
    TimelineRecorder recorder = new TimelineRecorder();
    MapOptions options = MapOptions.builder().listener(recorder).build();
    // Each call's item 0 waits for the other's: the two calls overlap for sure.
    CyclicBarrier bothRunning = new CyclicBarrier(2);
    ExecutorService drivers = Executors.newFixedThreadPool(2);
    try (Pool pool = Pool.virtual().with(options)) {
      CompletableFuture<?> small =
          CompletableFuture.runAsync(() -> pool.forEach(range(10), meet(bothRunning)), drivers);
      CompletableFuture<?> large =
          CompletableFuture.runAsync(() -> pool.forEach(range(30), meet(bothRunning)), drivers);
      CompletableFuture.allOf(small, large).get(60, TimeUnit.SECONDS);
    } finally {
      drivers.shutdown();
      assertThat(drivers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    }

    assertThat(recorder.timelines()).hasSize(2);
    for (Timeline timeline : recorder.timelines()) {
      long done = timeline.chunks().stream().mapToLong(ChunkEvent::done).sum();
      assertThat(done).isEqualTo(timeline.stats().items());
    }
    assertThat(recorder.timelines().stream().map(t -> t.stats().items()))
        .containsExactlyInAnyOrder(10L, 30L);
  }

  @Test
  void twoStreamsReadAlternatelyOnOneThreadEachGetTheirOwnTimeline() {
    TimelineRecorder recorder = new TimelineRecorder();
    MapOptions options = MapOptions.builder().listener(recorder).build();
    try (Pool pool = Pool.threads(2).with(options);
        Stream<Integer> small = pool.stream(range(30), i -> i);
        Stream<Integer> large = pool.stream(range(70), i -> i)) {
      Iterator<Integer> a = small.iterator();
      Iterator<Integer> b = large.iterator();
      int read = 0;
      while (a.hasNext() || b.hasNext()) {
        if (a.hasNext()) {
          a.next();
          read++;
        }
        if (b.hasNext()) {
          b.next();
          read++;
        }
      }
      assertThat(read).isEqualTo(100);
    }

    assertThat(recorder.timelines()).hasSize(2);
    for (Timeline timeline : recorder.timelines()) {
      CallStats stats = timeline.stats();
      // Each timeline holds its own call's chunks, and they tile that call's input exactly.
      List<ChunkEvent> byIndex =
          timeline.chunks().stream()
              .sorted(Comparator.comparingLong(ChunkEvent::firstIndex))
              .toList();
      long next = 0;
      for (ChunkEvent chunk : byIndex) {
        assertThat(chunk.firstIndex()).isEqualTo(next);
        next += chunk.size();
      }
      assertThat(next).isEqualTo(stats.call().total()).isEqualTo(stats.items());
      assertThat((long) byIndex.size()).isEqualTo(stats.chunks());
    }
    assertThat(recorder.timelines().stream().map(t -> t.stats().items()))
        .containsExactlyInAnyOrder(30L, 70L);
  }

  @Test
  void aCallMadeInsideAnotherCallsTaskGetsATimelineOfItsOwn() {
    TimelineRecorder recorder = new TimelineRecorder();
    MapOptions options = MapOptions.builder().listener(recorder).build();
    try (Pool pool = Pool.virtual().with(options)) {
      pool.forEach(range(4), outer -> pool.forEach(range(3), inner -> {}));
    }

    assertThat(recorder.timelines()).hasSize(5);
    assertThat(recorder.timelines().stream().map(t -> t.stats().items()))
        .containsExactlyInAnyOrder(3L, 3L, 3L, 3L, 4L);
    for (Timeline timeline : recorder.timelines()) {
      assertThat(timeline.chunks().stream().mapToLong(ChunkEvent::done).sum())
          .isEqualTo(timeline.stats().items());
    }
    assertThat(recorder.timeline().stats().items()).isEqualTo(4); // the outer call ends last
  }

  @Test
  void timelineOfRejectsNulls() {
    CallStats stats = Runs.stats("x", List.of());
    assertThatThrownBy(() -> Timeline.of(null, stats)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Timeline.of(List.of(), null)).isInstanceOf(NullPointerException.class);
    assertThat(Timeline.of(List.of(), stats).rows()).isEmpty();
    assertThat(Timeline.of(List.of(), stats)).hasToString("Timeline[x, 0 chunks, 0 rows]");
  }

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  private static dev.parmap.Action<Integer> meet(CyclicBarrier barrier) {
    return item -> {
      if (item == 0) {
        barrier.await(60, TimeUnit.SECONDS);
      }
      Thread.sleep(Duration.ofMillis(1));
    };
  }

  private static ChunkEvent chunkOf(List<ChunkEvent> byIndex, int item) {
    return byIndex.stream()
        .filter(c -> c.firstIndex() <= item && item < c.firstIndex() + c.size())
        .findFirst()
        .orElseThrow();
  }
}
