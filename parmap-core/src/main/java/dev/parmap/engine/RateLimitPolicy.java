package dev.parmap.engine;

/**
 * The rate limit of a call, as a link of the policy chain: each attempt waits for its start slot
 * (see {@link RateLimiter}), then runs the next step.
 */
final class RateLimitPolicy {
  private RateLimitPolicy() {}

  /** {@code next}, each attempt of which waits for its slot of {@code limiter} first. */
  static Step wrap(RateLimiter limiter, Step next) {
    return (item, index, chunk) -> {
      try {
        if (limiter.acquire()) {
          chunk.rateLimitWaits++;
        }
      } catch (InterruptedException e) {
        throw new Step.WaitCut(e);
      }
      return next.run(item, index, chunk);
    };
  }
}
