package dev.parmap.engine;

import dev.parmap.observe.ContextPropagator;
import dev.parmap.observe.ProgressListener;
import dev.parmap.policy.AdaptiveConcurrency;
import dev.parmap.policy.FailureBudget;
import dev.parmap.policy.RateLimit;
import dev.parmap.policy.Retry;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A call's options as the engine reads them: the front end's public options (in core, {@code
 * MapOptions}), already checked.
 *
 * @param timeout the per-attempt timeout, or null for none
 * @param deadline the whole call's deadline, or null for none
 * @param retry the retry policy ({@code maxAttempts() == 1}: no retry)
 * @param rateLimit the rate limit, or null for none
 * @param adaptiveConcurrency the adaptive concurrency limit, or null for none
 * @param maxConcurrency the most items run at once ({@link Integer#MAX_VALUE}: the pool's)
 * @param cancellationGrace how long a stopped call waits for tasks that ignore interruption
 * @param listener the progress listener, or null for none
 * @param progressInterval the interval between a listener's progress reports
 * @param propagators the context propagators, in order
 * @param failureBudget the failure budget of calls that report outcomes, or null for none
 */
public record CallOptions(
    @Nullable Duration timeout,
    @Nullable Duration deadline,
    Retry retry,
    @Nullable RateLimit rateLimit,
    @Nullable AdaptiveConcurrency adaptiveConcurrency,
    int maxConcurrency,
    Duration cancellationGrace,
    @Nullable ProgressListener listener,
    Duration progressInterval,
    List<ContextPropagator> propagators,
    @Nullable FailureBudget failureBudget) {

  /** Copies the propagators: the record is a value. */
  public CallOptions {
    propagators = List.copyOf(propagators);
  }

  /** Whether items run under a policy (timeout, retry or rate limit). */
  boolean hasItemPolicies() {
    return timeout != null
        || retry.maxAttempts() > 1
        || rateLimit != null
        || adaptiveConcurrency != null;
  }
}
