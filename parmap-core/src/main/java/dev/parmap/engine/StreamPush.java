package dev.parmap.engine;

import dev.parmap.policy.Retry;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The driver of a call whose items are pushed in one at a time and whose results are pushed on in
 * input order: a stream's gatherer. The thread that pushes the items (the stream's thread; one call
 * at a time, with happens-before between calls, possibly not always the same thread) drives the
 * call; no other thread does. It is the counterpart of {@link StreamPull}, which is pulled.
 *
 * <p>{@link #offer}: surface a task's failure at once, wherever its item is in the window; push
 * downstream, in order, the results that are ready at the head; wait only while the window is full
 * (pushing what becomes ready, and waking on any failure); then take the item in and launch it.
 * {@link #finish}: the input has ended; wait for the chunks in flight and push the rest.
 *
 * <p>The call ends, and the driver returns or throws only once no chunk is in flight and every
 * thread made for it has been joined, when: every result has been pushed; downstream rejects a
 * result ({@code push} returns false, then {@code offer} returns false); downstream throws (the
 * exception leaves as it is); a task fails (its failure is thrown); the driver is interrupted while
 * it waits; or {@link #close} is called. In every case but the first, no item starts any more and
 * the running ones are interrupted.
 *
 * @param <R> the type of the results
 */
public final class StreamPush<R extends @Nullable Object> {

  /**
   * The options of a pushed call: no item policies, no deadline, no listener, and a stopped call
   * waits for its tasks however long they ignore interruption (nothing outlives the call).
   */
  private static final CallOptions OPTIONS =
      new CallOptions(
          null,
          null,
          Retry.none(),
          null,
          null,
          Integer.MAX_VALUE,
          ChronoUnit.FOREVER.getDuration(),
          null,
          Duration.ZERO, // no listener to report progress to
          List.of(),
          null);

  private final Run<?, R> call;
  private final Feed feed;
  private final Sink.ToStream sink;
  private final Dispatch dispatch;
  private final Input input;
  private @Nullable Chunk current; // the chunk whose results are being pushed

  StreamPush(Run<?, R> call, Feed feed, Sink.ToStream sink, Dispatch dispatch, Input input) {
    this.call = call;
    this.feed = feed;
    this.sink = sink;
    this.dispatch = dispatch;
    this.input = input;
  }

  /**
   * A new call whose items are pushed in, each run by {@code work} on a virtual thread of its own
   * named {@code threadPrefix} and a number from 0, at most {@code window} of them in flight: read
   * and not yet pushed downstream (and so at most that many running at once).
   *
   * @param description what runs the call, for messages (e.g. {@code ParmapGatherers.map(16)})
   * @param types the front end's public types: its exceptions
   */
  public static <R extends @Nullable Object> StreamPush<R> onVirtualThreads(
      String description, String threadPrefix, int window, Work work, PublicTypes types) {
    int cpus = Runtime.getRuntime().availableProcessors();
    PoolContext pool =
        new PoolContext(
            description,
            Launcher.Virtual.numbered(threadPrefix, Math.min(window, cpus), window),
            threadPrefix,
            window,
            new PoolTimer(threadPrefix), // never started: a pushed call has no timeouts
            new PoolWork(),
            Ticker.SYSTEM,
            types);
    Run<Object, R> run =
        new Run<>(
            pool,
            Input.offered(),
            work,
            null,
            ChunkSizing.LOCAL,
            CallKind.GATHER,
            CallKind.GATHER.what(),
            OPTIONS);
    return run.pusher();
  }

  /**
   * Takes the next item in and launches it, after pushing downstream the results ready before it;
   * waits while the window is full.
   *
   * @param item the item; may be null
   * @param downstream takes the next result, returns whether it wants more
   * @return false if the call has ended (downstream rejected a result, or it was closed): the item
   *     was not taken
   * @throws RuntimeException the front end's report of a task's failure or of an interruption (the
   *     interrupt flag is set again), or what downstream threw
   */
  public boolean offer(@Nullable Object item, Predicate<? super R> downstream) {
    if (call.isEnded()) {
      return false;
    }
    try {
      call.begin();
      if (!pushUntilThereIsRoom(downstream)) {
        call.close();
        return false;
      }
      input.offer(item);
      call.launchMore();
      return true;
    } catch (InterruptedException e) {
      throw interrupted(e);
    } catch (RuntimeException | Error e) {
      call.close();
      throw e;
    }
  }

  /**
   * Marks the end of the input, waits for the items in flight and pushes the rest of the results
   * downstream in order, until it rejects one.
   *
   * @param downstream takes the next result, returns whether it wants more
   * @throws RuntimeException as {@link #offer}
   */
  public void finish(Predicate<? super R> downstream) {
    if (call.isEnded()) {
      return;
    }
    try {
      call.begin();
      input.endOfInput();
      if (pushToTheEnd(downstream)) {
        call.end();
      } else {
        call.close();
      }
    } catch (InterruptedException e) {
      throw interrupted(e);
    } catch (RuntimeException | Error e) {
      call.close();
      throw e;
    }
  }

  /**
   * Pushes what is ready, waiting while the window has no room for one more item.
   *
   * @return false if downstream rejected a result
   */
  private boolean pushUntilThereIsRoom(Predicate<? super R> downstream)
      throws InterruptedException {
    while (true) {
      surfaceFailure();
      if (!pushReady(downstream)) {
        return false;
      }
      call.launchMore(); // items offered earlier that found no room (none, normally)
      if (call.hasFailedOrStopped()) {
        continue;
      }
      if (feed.hasRoomForOneMore(input.waiting())) {
        return true;
      }
      if (dispatch.inFlight() == 0) {
        throw new IllegalStateException("parmap bug: the window is full with nothing in flight");
      }
      call.awaitEvents(); // the window is full: wait for the head, or for any failure
    }
  }

  /**
   * After the end of the input: pushes every result, waiting for the chunks in flight.
   *
   * @return false if downstream rejected a result
   */
  private boolean pushToTheEnd(Predicate<? super R> downstream) throws InterruptedException {
    while (true) {
      surfaceFailure();
      if (!pushReady(downstream)) {
        return false;
      }
      call.launchMore();
      if (call.hasFailedOrStopped() || sink.hasReady()) {
        continue;
      }
      if (dispatch.inFlight() == 0) {
        if (!input.exhausted()) {
          throw new IllegalStateException("parmap bug: pushed call stalled with input left");
        }
        return true;
      }
      call.awaitEvents();
    }
  }

  /** Ends the call after its driver was interrupted while it waited: the report to throw. */
  private RuntimeException interrupted(InterruptedException e) {
    call.interrupted(e); // throws the front end's report, the call ended and the flag set again
    return new IllegalStateException("parmap bug: an interruption without its report", e);
  }

  /**
   * Ends the call if it has not ended: no item starts any more, the running ones are interrupted,
   * and it returns once none runs and their threads have been joined. Keeps the interrupt flag.
   */
  public void close() {
    call.close();
  }

  /** Throws the call's failure, once it has one: wherever the failed item is in the window. */
  private void surfaceFailure() {
    if (call.hasFailedChunk()) {
      call.pollEvents(); // take the failed chunk in: its report is the call's failure
    }
    if (call.hasFailedOrStopped()) {
      call.finishOrThrow(); // throws: a pushed call fails fast and has no deadline
    }
  }

  /**
   * Pushes downstream, in input order, the results that are ready at the head, until none is or the
   * call has failed or stopped.
   *
   * @return false if downstream rejected a result
   */
  private boolean pushReady(Predicate<? super R> downstream) {
    call.pollEvents();
    while (!call.hasFailedOrStopped()) {
      Chunk chunk = current;
      if (chunk != null && chunk.consumed < chunk.done) {
        R result = StreamPull.<R>cast(chunk.takeResult(chunk.consumed++));
        feed.handedOver(); // before the push: downstream may be slow, or push into a nested call
        if (!downstream.test(result)) {
          return false;
        }
        continue;
      }
      current = sink.next();
      if (current == null) {
        return true;
      }
    }
    return true;
  }
}
