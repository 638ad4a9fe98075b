package dev.parmap.timeline;

import dev.parmap.observe.ChunkEvent;
import dev.parmap.observe.ProgressListener;
import dev.parmap.observe.RunStats;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records the calls it follows as {@link Timeline}s: every {@link ChunkEvent} and the {@link
 * RunStats} of each call. Give it to a call with {@link dev.parmap.MapOptions.Builder#listener}:
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
 * {@link Timeline} per call that has {@linkplain ProgressListener#onFinish finished}, in the order
 * they finished, until the recorder is dropped. A call that fails or is cancelled finishes too: its
 * timeline shows what ran until then.
 *
 * <p><b>Threads.</b> parmap calls a listener from the thread that drives the call, one event at a
 * time per call. The recorder keeps the call in progress per driving thread, so one recorder may
 * follow calls on several threads at once, and a call made from inside another call's task (its own
 * driver). What it cannot tell apart is two calls driven <em>interleaved by one thread</em>, such
 * as two result streams read alternately: their chunks would be mixed into one timeline. Give such
 * calls a recorder each. {@link #timeline()} and {@link #timelines()} may be called from any
 * thread, at any time; they see the calls finished so far.
 *
 * @since 0.1
 */
public final class TimelineRecorder implements ProgressListener {

  /** The calls in progress, per driving thread; innermost last. */
  private final Map<Thread, Deque<Recording>> inProgress = new ConcurrentHashMap<>();

  /** Guarded by itself. */
  private final List<Timeline> finished = new ArrayList<>();

  /** A recorder that has followed no call yet. */
  public TimelineRecorder() {}

  /**
   * Asks parmap for chunk events.
   *
   * @return {@code true}
   */
  @Override
  public boolean wantsChunks() {
    return true;
  }

  /**
   * Starts recording a call driven by the current thread.
   *
   * @param what which call
   * @param total the number of items, or -1
   */
  @Override
  public void onStart(String what, long total) {
    inProgress
        .computeIfAbsent(Thread.currentThread(), t -> new ArrayDeque<>())
        .addLast(new Recording());
  }

  /**
   * Records a chunk of the current thread's call.
   *
   * @param chunk what ran, where and when
   */
  @Override
  public void onChunk(ChunkEvent chunk) {
    current().chunks.add(chunk);
  }

  /**
   * Ends the current thread's call: its {@link Timeline} becomes {@link #timeline()}.
   *
   * @param stats the call's statistics
   */
  @Override
  public void onFinish(RunStats stats) {
    Thread driver = Thread.currentThread();
    Deque<Recording> calls = inProgress.get(driver);
    Recording recording = calls != null ? calls.pollLast() : null;
    if (calls != null && calls.isEmpty()) {
      inProgress.remove(driver); // only this thread touches its own entry
    }
    Timeline timeline = Timeline.of(recording != null ? recording.chunks : List.of(), stats);
    synchronized (finished) {
      finished.add(timeline);
    }
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

  /** The innermost call of this thread; made on the spot should parmap skip {@code onStart}. */
  private Recording current() {
    Deque<Recording> calls =
        inProgress.computeIfAbsent(Thread.currentThread(), t -> new ArrayDeque<>());
    Recording recording = calls.peekLast();
    if (recording == null) {
      recording = new Recording();
      calls.addLast(recording);
    }
    return recording;
  }

  /** One call's chunks so far; touched by its driving thread only. */
  private static final class Recording {
    final List<ChunkEvent> chunks = new ArrayList<>();
  }
}
