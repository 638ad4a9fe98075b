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
  private @Nullable Chunk current;

  StreamPull(Run<?, R> call) {
    this.call = call;
  }

  @Override
  public boolean tryAdvance(Consumer<? super R> action) {
    if (call.isEnded()) {
      return false;
    }
    try {
      call.begin();
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
          R result = Run.<R>cast(chunk.takeResult(chunk.consumed++));
          call.handedOver();
          action.accept(result); // if it throws, the catch below ends the call first
          return true;
        }
        current = null;
        call.pollEvents();
        call.launchMore(); // keep the pool busy while the consumer works on what is ready
        if (!call.isWindingDown() && call.hasFailedOrStopped()) {
          continue;
        }
        Chunk next = call.nextReadyChunk();
        if (next != null) {
          current = next;
        } else if (call.chunksInFlight() > 0) {
          call.awaitEvents();
        } else {
          if (!call.inputExhausted() && !call.isWindingDown()) {
            throw new IllegalStateException("parmap bug: stream stalled with input left");
          }
          call.end();
          return false;
        }
      }
    } catch (InterruptedException e) {
      call.interrupted(e);
      return false; // not reached: interrupted() throws
    } catch (RuntimeException | Error e) {
      call.close();
      throw e;
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
    return call.ordered() ? ORDERED : 0;
  }
}
