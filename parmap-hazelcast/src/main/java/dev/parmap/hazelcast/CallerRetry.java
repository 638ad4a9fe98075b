package dev.parmap.hazelcast;

import dev.parmap.engine.RemoteChunk;
import dev.parmap.engine.RemotePolicies;
import dev.parmap.engine.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Retry decided at the caller: reports a chunk's items to the engine in index order from the
 * members' answers, and sends again, one at a time, the items whose failure the call's {@link
 * dev.parmap.policy.Retry} retries. The decision is the core's own ({@link
 * RemotePolicies#nextAttemptDelayNanos}: attempts, {@code retryOn}/{@code retryIf}, {@code
 * delayFrom}, backoff with jitter on the pool's ticker, never a told wait past the deadline), made
 * here, so that predicates and listeners need not serialize; the members only report each item's
 * failure and go on with the chunk.
 *
 * <p>As a local chunk runs its items one after the other, each item is retried until it succeeds or
 * fails for good before the next item is reported: a call that fails fast fails with the first item
 * in the chunk that fails for good, with all its attempts' failures; its other items' attempts do
 * not start. Between attempts an item waits at least the policy's delay after the answer that
 * reported its failure (the items of one chunk failed together, so a later item may have waited
 * already), then for its rate-limit slot. A wait cut short by the call's stop (an interrupt) ends
 * the chunk: its items not reported yet count as not run.
 */
final class CallerRetry {

  /** Sends item {@code i} of the chunk again, alone; returns the member's answer for it. */
  @FunctionalInterface
  interface Resend {
    ChunkAnswer send(int i) throws InterruptedException;
  }

  private final RemotePolicies policies;
  private final boolean outcomes;

  CallerRetry(RemotePolicies policies, boolean outcomes) {
    this.policies = policies;
    this.outcomes = outcomes;
  }

  /** Reports every item of {@code answer} to {@code chunk}, retrying through {@code resend}. */
  void report(RemoteChunk chunk, ChunkAnswer answer, Resend resend) throws InterruptedException {
    Ticker ticker = policies.ticker();
    long answeredAt = ticker.nanoTime();
    chunk.countPolicies(answer.timeouts, 0);
    int stoppedAt = answer.stoppedAt();
    if (stoppedAt >= 0) { // a member stops at a failure only when nothing is retried
      chunk.failed(stoppedAt, nonNull(answer.failure(stoppedAt)), answer.took(stoppedAt));
      return;
    }
    for (int i = 0; i < answer.size(); i++) {
      Throwable failure = answer.failure(i);
      if (failure == null) {
        chunk.succeeded(answer.value(i), answer.took(i), 1);
        continue;
      }
      List<Throwable> failures = new ArrayList<>(2);
      failures.add(failure);
      long took = answer.nanos(i);
      long failedAt = answeredAt;
      @Nullable Object value = null;
      boolean succeeded = false;
      while (!chunk.isStopped()) {
        long delay =
            policies.nextAttemptDelayNanos(failure, failures.size(), chunk.deadlineNanosLeft());
        if (delay < 0) {
          break;
        }
        ticker.sleep(delay - (ticker.nanoTime() - failedAt)); // the part not waited yet
        chunk.countPolicies(0, policies.awaitStarts(1));
        ChunkAnswer again = resend.send(i);
        failedAt = ticker.nanoTime();
        took += again.nanos(0);
        chunk.countPolicies(again.timeouts, 0);
        Throwable next = again.failure(0);
        if (next == null) {
          value = again.value(0);
          succeeded = true;
          break;
        }
        failure = next;
        failures.add(next);
      }
      if (succeeded) {
        chunk.succeeded(value, Duration.ofNanos(took), failures.size() + 1);
      } else {
        chunk.failed(i, failures, Duration.ofNanos(took));
        if (!outcomes) {
          return; // the call fails fast with this item
        }
      }
    }
  }

  private static Throwable nonNull(@Nullable Throwable failure) {
    if (failure == null) {
      throw new IllegalStateException("parmap bug: a stopped chunk without its failure");
    }
    return failure;
  }
}
