/**
 * A console progress bar for parmap calls: {@link dev.parmap.progressbar.ConsoleProgress}.
 *
 * <p>Every type in this package is null-marked: arguments and return values are non-null unless
 * annotated otherwise.
 */
@NullMarked
package dev.parmap.progressbar;

import org.jspecify.annotations.NullMarked;
