/**
 * Micrometer context-propagation for parmap calls: {@link
 * dev.parmap.contextpropagation.ContextRegistryPropagator}.
 *
 * <p>Every type in this package is null-marked: arguments and return values are non-null unless
 * annotated otherwise.
 */
@NullMarked
package dev.parmap.contextpropagation;

import org.jspecify.annotations.NullMarked;
