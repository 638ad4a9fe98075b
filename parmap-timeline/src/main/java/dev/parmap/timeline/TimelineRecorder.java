package dev.parmap.timeline;

import dev.parmap.observe.CallInfo;
import dev.parmap.observe.CallObserver;
import dev.parmap.observe.CallStats;
import dev.parmap.observe.ChunkEvent;
import dev.parmap.observe.ProgressListener;
import java.util.ArrayList;
import java.util.List;

/**
 * Records the calls it follows as {@link Timeline}s: every {@link ChunkEvent} and the {@link
 * CallStats} of each call. Give it to a call with {@link dev.parmap.MapOptions.Builder#listener}:
 *
 * <pre>{@code
 * TimelineRecorder recorder = new TimelineRecorder();
 * try (Pool pool = Pool.virtual().with(MapOptions.builder().listener(recorder).build())) {
 *     pool.map(items, task);
 * }
 * recorder.timeline().writeHtml(Path.of("timeline.html"));
 * }</pre>
 *
 * <p><b>What it keeps.</b> One {@link ChunkEvent} per chunk while a call runs (a chunk groups cheap
 * items, so a call of a million cheap items makes thousands of events, not a million), and one
 * {@link Timeline} per call that has {@linkplain CallObserver#onFinish finished}, in the order they
 * finished, until the recorder is dropped. A call that fails or is cancelled finishes too: its
 * timeline shows what ran until then.
 *
 * <p><b>Threads.</b> Each call the recorder follows gets a recording of its own, the {@link
 * CallObserver} that {@link #onStart} returns, which only that call fills. So one recorder may
 * follow calls one after another, on several threads at once, nested (a call made from inside
 * another call's task), or interleaved on one thread (two result streams read alternately): each
 * gets its own timeline. {@link #timeline()} and {@link #timelines()} may be called from any
 * thread, at any time; they see the calls finished so far.
 *
 * @since 0.1
 */
public final class TimelineRecorder implements ProgressListener {

  /** Guarded by itself. */
  private final List<Timeline> finished = new ArrayList<>();

  /** A recorder that has followed no call yet. */
  public TimelineRecorder() {}

  /**
   * Starts recording a call: returns its recording, which asks parmap for chunk events, keeps them,
   * and adds the call's {@link Timeline} to this recorder when the call finishes.
   *
   * @param call which call
   * @return the call's recording
   */
  @Override
  public CallObserver onStart(CallInfo call) {
    return new Recording();
  }

  /**
   * The timeline of the call that finished last.
   *
   * @return the timeline
   * @throws IllegalStateException if no call has finished yet
   */
  public Timeline timeline() {
    synchronized (finished) {
      if (finished.isEmpty()) {
        throw new IllegalStateException(
            "no call has finished yet: pass this recorder to MapOptions.builder().listener(..) and"
                + " make a call with those options first");
      }
      return finished.get(finished.size() - 1);
    }
  }

  /**
   * The timelines of every call that has finished, in the order they finished.
   *
   * @return a snapshot; unmodifiable
   */
  public List<Timeline> timelines() {
    synchronized (finished) {
      return List.copyOf(finished);
    }
  }

  /** One call's chunks so far; touched by its driving thread only. */
  private final class Recording implements CallObserver {
    private final List<ChunkEvent> chunks = new ArrayList<>();

    @Override
    public boolean wantsChunks() {
      return true;
    }

    @Override
    public void onChunk(ChunkEvent chunk) {
      chunks.add(chunk);
    }

    @Override
    public void onFinish(CallStats stats) {
      Timeline timeline = Timeline.of(chunks, stats);
      synchronized (finished) {
        finished.add(timeline);
      }
    }
  }
}
