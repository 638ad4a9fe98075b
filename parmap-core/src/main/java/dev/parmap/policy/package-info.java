/**
 * Resilience policies for parmap calls: {@link dev.parmap.policy.Retry} and {@link
 * dev.parmap.policy.RateLimit}. They are immutable values: build one once, reuse it across calls
 * and threads. They take effect through {@link dev.parmap.MapOptions}.
 */
@NullMarked
package dev.parmap.policy;

import org.jspecify.annotations.NullMarked;
