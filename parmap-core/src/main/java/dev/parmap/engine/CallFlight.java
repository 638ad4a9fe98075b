package dev.parmap.engine;

import dev.parmap.observe.CallStats;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import org.jspecify.annotations.Nullable;

/**
 * One call's JDK Flight Recorder events: a {@code dev.parmap.Call} event per call (on the driver,
 * from its start to its end) and a {@code dev.parmap.Chunk} event per chunk run (on the thread that
 * ran it), tied together by the call's id. Both are disabled by default: enable them in a recording
 * ({@code jfr configure}, a {@code .jfc} file, or {@code Recording.enable("dev.parmap.Call")}).
 *
 * <p><b>Cost when disabled.</b> One event object per call and per chunk, whose {@code begin()} and
 * {@code shouldCommit()} are cheap when its type is disabled (and which escape analysis usually
 * removes); nothing per item. The call's counts are kept only while the call event is enabled.
 *
 * <p><b>Threads.</b> {@link #begin}, {@link #chunkCompleted} and {@link #end} run on the call's
 * driver, one at a time; {@link #chunkStarted} and {@link #chunkEnded} on the chunk's thread.
 */
final class CallFlight {
  private static final AtomicLong CALL_IDS = new AtomicLong(); // ids only: no other shared state

  private final long callId = CALL_IDS.incrementAndGet();
  private final WorkerResources resources;
  private final int resourcesBefore; // kept by the pool: created by earlier calls

  // Driver only.
  private @Nullable CallEvent call;
  private long items;
  private long failures;
  private long retries;

  CallFlight(WorkerResources resources) {
    this.resources = resources;
    this.resourcesBefore = resources.created();
  }

  /** The call starts: its event begins, if enabled. */
  void begin() {
    CallEvent event = new CallEvent();
    if (event.isEnabled()) {
      event.begin();
      call = event;
    }
  }

  /** A chunk's completion reached the driver: counted for the call's event. */
  void chunkCompleted(Chunk chunk) {
    if (call != null) {
      items += chunk.done;
      failures += chunk.failedItems;
      retries += chunk.retries;
    }
  }

  /** The call ended: its event is committed, if enabled. */
  void end(String kind, String pool, CallStats.Ending ending) {
    CallEvent event = call;
    if (event == null) {
      return;
    }
    call = null; // once
    event.end();
    if (event.shouldCommit()) {
      event.callId = callId;
      event.kind = kind;
      event.pool = pool;
      event.items = items;
      event.failures = failures;
      event.retries = retries;
      event.workerResources = resources.created() - resourcesBefore;
      event.ending = ending.name();
      event.commit();
    }
  }

  /** A chunk starts running on the current thread: its event, begun. */
  ChunkRunEvent chunkStarted() {
    ChunkRunEvent event = new ChunkRunEvent();
    event.begin();
    return event;
  }

  /** The chunk has run its items on the current thread: its event is committed, if enabled. */
  void chunkEnded(ChunkRunEvent event, Chunk chunk) {
    event.end();
    if (event.shouldCommit()) {
      event.callId = callId;
      event.firstIndex = chunk.firstIndex;
      event.items = chunk.done;
      event.failures = chunk.failedItems;
      event.retries = chunk.retries;
      event.commit();
    }
  }

  /** A call, from its start to its end, on its driver thread. */
  @Name("dev.parmap.Call")
  @Label("parmap Call")
  @Category("parmap")
  @Description("A parallel call (map, forEach, stream...): from its start to its end")
  @Enabled(false)
  @StackTrace(false)
  static final class CallEvent extends Event {
    @Label("Call Id")
    @Description("Ties the call to its chunks' events")
    long callId;

    @Label("Kind")
    @Description("The call, e.g. Pool.map, Pool.stream, Pool.mapOutcomes")
    @Nullable String kind;

    @Label("Pool")
    @Description("The pool it ran on, e.g. Pool.virtual()")
    @Nullable String pool;

    @Label("Items")
    @Description("The items that finished (succeeded or failed for good)")
    long items;

    @Label("Failures")
    @Description("The items that failed for good")
    long failures;

    @Label("Retries")
    @Description("The attempts after an item's first")
    long retries;

    @Label("Worker Resources")
    @Description("The per-worker resources the call created")
    int workerResources;

    @Label("Ending")
    @Description("COMPLETED, FAILED, CANCELLED or DEADLINE_EXCEEDED")
    @Nullable String ending;
  }

  /** A chunk of a call's items, run one after the other on one thread (the event's thread). */
  @Name("dev.parmap.Chunk")
  @Label("parmap Chunk")
  @Category("parmap")
  @Description("Consecutive items of a call run on one thread, the event's thread")
  @Enabled(false)
  @StackTrace(false)
  static final class ChunkRunEvent extends Event {
    @Label("Call Id")
    @Description("The call's id, as in its dev.parmap.Call event")
    long callId;

    @Label("First Index")
    @Description("The index of the chunk's first item in the input")
    long firstIndex;

    @Label("Items")
    @Description("The items it finished")
    int items;

    @Label("Failures")
    @Description("The items that failed for good")
    int failures;

    @Label("Retries")
    @Description("The attempts after an item's first")
    int retries;
  }
}
