/**
 * {@link dev.parmap.scopedvalues.ScopedValuePropagator}: the caller's {@code ScopedValue} bindings
 * in the tasks of a parmap call.
 */
@NullMarked
package dev.parmap.scopedvalues;

import org.jspecify.annotations.NullMarked;
