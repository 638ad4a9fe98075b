/**
 * Resilience policies for parmap calls: {@link dev.parmap.policy.Retry}, {@link
 * dev.parmap.policy.RateLimit} and {@link dev.parmap.policy.AdaptiveConcurrency}. They are
 * immutable values: build one once, reuse it across calls and threads. They take effect through
 * {@link dev.parmap.MapOptions}. A rate limit or an adaptive limit made {@code shared()} carries a
 * budget that every call given it shares.
 */
@NullMarked
package dev.parmap.policy;

import org.jspecify.annotations.NullMarked;
