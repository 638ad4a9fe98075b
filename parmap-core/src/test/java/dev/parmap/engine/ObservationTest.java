package dev.parmap.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parmap.ParmapException;
import dev.parmap.TestAccess;
import dev.parmap.observe.CallInfo;
import dev.parmap.observe.CallObserver;
import dev.parmap.observe.CallStats;
import dev.parmap.observe.ChunkEvent;
import dev.parmap.observe.Progress;
import dev.parmap.observe.ProgressListener;
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

  private static final CallInfo CALL =
      CallInfo.builder("Pool.map").pool("Pool.test").total(6).build();

  private static final class Recorder implements ProgressListener, CallObserver {
    final List<String> events = new ArrayList<>();

    @Override
    public CallObserver onStart(CallInfo call) {
      events.add("start " + call.what() + " " + call.total());
      return this;
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
    public void onFinish(CallStats stats) {
      events.add("finish " + stats.items() + " of " + stats.call());
    }
  }

  private static Observation observation(ProgressListener listener, long interval, Failures f) {
    return new Observation(
        CALL, listener, 2, System.nanoTime(), interval, f, TestAccess.types(), () -> {});
  }

  @Test
  void theListenerHearsStartChunksProgressAndFinishInOrder() {
    Recorder recorder = new Recorder();
    Observation observation = observation(recorder, Long.MAX_VALUE, new Failures());
    observation.started();
    observation.started(); // once only
    observation.chunkCompleted(ranChunk(0, 3));
    observation.chunkCompleted(ranChunk(3, 3));
    observation.ended(CallStats.Ending.COMPLETED);
    observation.ended(CallStats.Ending.COMPLETED); // once only
    // An endless interval: no progress until the end, which always reports it.
    assertThat(recorder.events)
        .containsExactly(
            "start Pool.map 6",
            "chunk 0",
            "chunk 3",
            "progress 6",
            "finish 6 of Pool.map on Pool.test, 6 items");
  }

  @Test
  void theObserverIsAskedOnceWhetherItWantsChunks() {
    AtomicInteger asked = new AtomicInteger();
    List<Long> progress = new ArrayList<>();
    CallObserver observer =
        new CallObserver() {
          @Override
          public boolean wantsChunks() {
            asked.incrementAndGet();
            return false;
          }

          @Override
          public void onChunk(ChunkEvent chunk) {
            throw new AssertionError("no chunk events were asked for");
          }

          @Override
          public void onProgress(Progress p) {
            progress.add(p.done());
          }
        };
    Observation observation = observation(call -> observer, 0, new Failures());
    observation.started();
    observation.chunkCompleted(ranChunk(0, 3));
    observation.chunkCompleted(ranChunk(3, 3));
    observation.ended(CallStats.Ending.COMPLETED);
    assertThat(asked).hasValue(1);
    assertThat(progress).containsExactly(3L, 6L, 6L); // interval 0: after each chunk, and the end
  }

  @Test
  void aListenerThatReturnsNoObserverFailsTheCall() {
    Failures failures = new Failures();
    AtomicInteger stops = new AtomicInteger();
    @SuppressWarnings("NullAway") // what a caller without NullAway may do
    ProgressListener broken = call -> null;
    Observation observation =
        new Observation(
            CALL,
            broken,
            2,
            System.nanoTime(),
            0,
            failures,
            TestAccess.types(),
            stops::incrementAndGet);
    observation.started();
    observation.chunkCompleted(ranChunk(0, 3));
    observation.ended(CallStats.Ending.FAILED);
    assertThat(stops).hasValue(1);
    assertThat(failures.report())
        .isInstanceOf(ParmapException.class)
        .hasRootCauseInstanceOf(NullPointerException.class)
        .hasRootCauseMessage("ProgressListener.onStart returned null");
  }

  @Test
  void aListenerThatThrowsFailsTheCallOnceAndStopsIt() {
    Failures failures = new Failures();
    AtomicInteger stops = new AtomicInteger();
    ProgressListener throwing =
        call -> {
          throw new IllegalStateException("onStart");
        };
    Observation observation =
        new Observation(
            CALL,
            throwing,
            2,
            System.nanoTime(),
            0,
            failures,
            TestAccess.types(),
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
    CallObserver observer =
        new CallObserver() {
          @Override
          public void onProgress(Progress progress) {
            throw new IllegalStateException("onProgress");
          }

          @Override
          public void onFinish(CallStats stats) {
            finished.add("finish");
          }
        };
    Observation observation = observation(call -> observer, Long.MAX_VALUE, failures);
    observation.started();
    observation.ended(CallStats.Ending.COMPLETED);
    assertThat(finished).containsExactly("finish");
    assertThat(failures.any()).isFalse();
    assertThatThrownBy(failures::throwAfterEnd).hasMessage("onProgress");
  }
}
