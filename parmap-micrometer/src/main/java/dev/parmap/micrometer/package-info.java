/**
 * Micrometer metrics for parmap calls: {@link dev.parmap.micrometer.ParmapMetrics}.
 *
 * <p>Every type in this package is null-marked: arguments and return values are non-null unless
 * annotated otherwise.
 */
@NullMarked
package dev.parmap.micrometer;

import org.jspecify.annotations.NullMarked;
