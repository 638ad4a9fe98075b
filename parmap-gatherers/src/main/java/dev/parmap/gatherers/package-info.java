/**
 * Stream gatherers backed by parmap: {@link dev.parmap.gatherers.ParmapGatherers}.
 *
 * <p>Every type in this package is null-marked: arguments and return values are non-null unless
 * annotated otherwise. Stream elements and task results are the exception: they may be {@code
 * null}.
 */
@NullMarked
package dev.parmap.gatherers;

import org.jspecify.annotations.NullMarked;
