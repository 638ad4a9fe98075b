package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parmap.observe.ChunkEvent;
import dev.parmap.observe.Progress;
import dev.parmap.observe.ProgressListener;
import dev.parmap.observe.RunStats;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The observation of one call alone: listener order, throttling, and listener failures. */
class ObservationTest {

  private static Chunk ranChunk(long first, int size) {
    Chunk chunk = new Chunk(first, size, new Object[size], null, 0);
    chunk.threadName = Thread.currentThread().getName();
    chunk.done = size;
    chunk.nanos = 1_000;
    return chunk;
  }

  private static final class Recorder implements ProgressListener {
    final List<String> events = new ArrayList<>();

    @Override
    public void onStart(String what, long total) {
      events.add("start " + what + " " + total);
    }

    @Override
    public void onProgress(Progress progress) {
      events.add("progress " + progress.done());
    }

    @Override
    public boolean wantsChunks() {
      return true;
    }

    @Override
    public void onChunk(ChunkEvent chunk) {
      events.add("chunk " + chunk.firstIndex());
    }

    @Override
    public void onFinish(RunStats stats) {
      events.add("finish " + stats.items());
    }
  }

  private static Observation observation(ProgressListener listener, long interval, Failures f) {
    return new Observation(
        "Pool.map",
        listener,
        new StatsRecorder("Pool.map", 2, System.nanoTime()),
        interval,
        6,
        f,
        () -> {});
  }

  @Test
  void theListenerHearsStartChunksProgressAndFinishInOrder() {
    Recorder recorder = new Recorder();
    Observation observation = observation(recorder, Long.MAX_VALUE, new Failures());
    observation.started();
    observation.started(); // once only
    observation.chunkCompleted(ranChunk(0, 3));
    observation.chunkCompleted(ranChunk(3, 3));
    RunStats stats = observation.ended(RunStats.Ending.COMPLETED);
    assertThat(stats.items()).isEqualTo(6);
    // An endless interval: no progress until the end, which always reports it.
    assertThat(recorder.events)
        .containsExactly("start Pool.map 6", "chunk 0", "chunk 3", "progress 6", "finish 6");
  }

  @Test
  void aListenerThatThrowsFailsTheCallOnceAndStopsIt() {
    Failures failures = new Failures();
    AtomicInteger stops = new AtomicInteger();
    ProgressListener throwing =
        new ProgressListener() {
          @Override
          public void onStart(String what, long total) {
            throw new IllegalStateException("onStart");
          }
        };
    Observation observation =
        new Observation(
            "Pool.map",
            throwing,
            new StatsRecorder("Pool.map", 2, System.nanoTime()),
            0,
            -1,
            failures,
            stops::incrementAndGet);
    observation.started();
    assertThat(stops).hasValue(1);
    assertThat(failures.report())
        .isInstanceOf(ParmapException.class)
        .hasRootCauseMessage("onStart");
  }

  @Test
  void onFinishRunsEvenIfTheLastProgressThrowsAndItsFailureComesAfterTheEnd() {
    Failures failures = new Failures();
    List<String> finished = new ArrayList<>();
    ProgressListener listener =
        new ProgressListener() {
          @Override
          public void onProgress(Progress progress) {
            throw new IllegalStateException("onProgress");
          }

          @Override
          public void onFinish(RunStats stats) {
            finished.add("finish");
          }
        };
    Observation observation = observation(listener, Long.MAX_VALUE, failures);
    observation.started();
    observation.ended(RunStats.Ending.COMPLETED);
    assertThat(finished).containsExactly("finish");
    assertThat(failures.any()).isFalse();
    assertThatThrownBy(failures::throwAfterEnd).hasMessage("onProgress");
  }
}
