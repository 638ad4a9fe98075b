/**
 * parmap: make a loop parallel in one call, with results in input order.
 *
 * <p>The entry points are {@link dev.parmap.Parmap} (one call, a fresh pool per call) and {@link
 * dev.parmap.Pool} (a reusable pool: the Java counterpart of Python's {@code
 * multiprocessing.dummy.Pool}). Failures are reported as {@link dev.parmap.ParmapException}s.
 *
 * <p>Every type in this package is null-marked: arguments and return values are non-null unless
 * annotated otherwise. Items and task results are the exception: they may be {@code null}.
 */
@NullMarked
package dev.parmap;

import org.jspecify.annotations.NullMarked;
