package dev.parmap.engine;

import java.util.Spliterator;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The driver of a result stream: each pull hands over the next result, keeping the pool busy
 * meanwhile. The consumer's thread drives the call, one pull at a time; its close ends the call.
 *
 * <p>A pull: surface a task's failure at once (not when its item reaches the head); hand over a
 * result of the current chunk if one is left; else take completions in, launch more, and take the
 * next ready chunk or wait for one. When the call has failed or stopped, it ends (throwing the
 * failure); after a passed deadline with outcomes, it winds down, handing over what is buffered. If
 * the consumer throws, the call is closed (its running tasks interrupted and awaited) before the
 * exception leaves.
 */
final class StreamPull<R extends @Nullable Object> implements Spliterator<R> {
  private final Run<?, R> call;
  private final Feed feed;
  private final Sink.ToStream sink;
  private final Dispatch dispatch;
  private final Input input;
  private final boolean ordered;
  private @Nullable Chunk current;

  StreamPull(
      Run<?, R> call,
      Feed feed,
      Sink.ToStream sink,
      Dispatch dispatch,
      Input input,
      boolean ordered) {
    this.call = call;
    this.feed = feed;
    this.sink = sink;
    this.dispatch = dispatch;
    this.input = input;
    this.ordered = ordered;
  }

  @Override
  public boolean tryAdvance(Consumer<? super R> action) {
    if (call.isEnded()) {
      return false;
    }
    try {
      call.begin();
      Chunk chunk = nextReady();
      if (chunk == null) {
        return false;
      }
      R result = StreamPull.<R>cast(chunk.takeResult(chunk.consumed++));
      feed.handedOver();
      action.accept(result); // if it throws, the catch below ends the call first
      return true;
    } catch (InterruptedException e) {
      call.interrupted(e);
      return false; // not reached: interrupted() throws
    } catch (RuntimeException | Error e) {
      call.close();
      throw e;
    }
  }

  /**
   * As repeated {@link #tryAdvance} (what a stream's terminal operation calls when it does not
   * short-circuit), but the results of a ready chunk are handed over in one loop: the bookkeeping
   * of a pull is done per chunk, not per item. A task's failure elsewhere still surfaces before the
   * next result, as between pulls.
   */
  @Override
  public void forEachRemaining(Consumer<? super R> action) {
    if (call.isEnded()) {
      return;
    }
    try {
      call.begin();
      Chunk chunk;
      while ((chunk = nextReady()) != null) {
        int done = chunk.done;
        while (chunk.consumed < done && !(call.hasFailedChunk() && !call.isWindingDown())) {
          R result = StreamPull.<R>cast(chunk.takeResult(chunk.consumed++));
          feed.handedOver();
          action.accept(result); // if it throws, the catch below ends the call first
        }
      }
    } catch (InterruptedException e) {
      call.interrupted(e);
    } catch (RuntimeException | Error e) {
      call.close();
      throw e;
    }
  }

  /**
   * The chunk whose next result is to be handed over now, once one is ready: takes completions in,
   * keeps the pool busy, waits if nothing is ready. Null once the stream has ended (the call then
   * ended); throws the call's failure.
   */
  private @Nullable Chunk nextReady() throws InterruptedException {
    while (true) {
      if (call.hasFailedChunk()) {
        call.pollEvents(); // a task failed: surface it now, not when its item reaches the head
      }
      if (!call.isWindingDown() && call.hasFailedOrStopped()) {
        call.finishOrThrow(); // returns only when outcomes report a passed deadline
        call.windDown(); // then hand over what is buffered, and end
      }
      Chunk chunk = current;
      if (chunk != null && chunk.consumed < chunk.done) {
        return chunk;
      }
      current = null;
      call.pollEvents();
      call.launchMore(); // keep the pool busy while the consumer works on what is ready
      if (!call.isWindingDown() && call.hasFailedOrStopped()) {
        continue;
      }
      Chunk next = sink.next();
      if (next != null) {
        current = next;
      } else if (dispatch.inFlight() > 0) {
        call.awaitEvents();
      } else {
        if (!input.exhausted() && !call.isWindingDown()) {
          throw new IllegalStateException("parmap bug: stream stalled with input left");
        }
        if (!call.closeResources()) {
          call.finishOrThrow(); // a worker resource failed to close: the stream throws it
        }
        call.end();
        return null;
      }
    }
  }

  @Override
  public @Nullable Spliterator<R> trySplit() {
    return null; // the parallelism is inside the call; the stream itself is sequential
  }

  @Override
  public long estimateSize() {
    return Long.MAX_VALUE;
  }

  @Override
  public int characteristics() {
    return ordered ? ORDERED : 0;
  }

  /**
   * Items and results are stored as {@code Object}s; they are of the user's types, which may be
   * nullable: the cast is safe by construction.
   */
  @SuppressWarnings({"unchecked", "NullAway", "TypeParameterUnusedInFormals"})
  static <X extends @Nullable Object> X cast(@Nullable Object value) {
    return (X) value;
  }
}
