/**
 * SLF4J MDC propagation for parmap calls: {@link dev.parmap.mdc.MdcPropagator}.
 *
 * <p>Every type in this package is null-marked: arguments and return values are non-null unless
 * annotated otherwise.
 */
@NullMarked
package dev.parmap.mdc;

import org.jspecify.annotations.NullMarked;
