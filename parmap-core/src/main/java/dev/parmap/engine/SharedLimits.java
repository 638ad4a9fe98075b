package dev.parmap.engine;

import dev.parmap.policy.AdaptiveConcurrency;
import dev.parmap.policy.RateLimit;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The state of the limits calls share: one per {@code shared()} limit object, held while the object
 * is reachable (a shared limit is equal only to itself, so the weak map's keys are by identity). A
 * limit that is not shared gets a state of its own per call.
 */
final class SharedLimits {
  private static final Map<RateLimit, RateLimiter> RATES =
      Collections.synchronizedMap(new WeakHashMap<>());
  private static final Map<AdaptiveConcurrency, AdaptiveLimiter> ADAPTIVE =
      Collections.synchronizedMap(new WeakHashMap<>());

  private SharedLimits() {}

  /** The state of {@code limit} for a call: its shared one, or a new one. */
  static RateLimiter rate(RateLimit limit, Ticker ticker) {
    if (!limit.isShared()) {
      return new RateLimiter(RateLimiter.intervalNanos(limit), ticker);
    }
    return RATES.computeIfAbsent(limit, l -> new RateLimiter(RateLimiter.intervalNanos(l), ticker));
  }

  /** The state of {@code limit} for a call: its shared one, or a new one. */
  static AdaptiveLimiter adaptive(AdaptiveConcurrency limit) {
    if (!limit.isShared()) {
      return new AdaptiveLimiter(limit);
    }
    return ADAPTIVE.computeIfAbsent(limit, AdaptiveLimiter::new);
  }
}
