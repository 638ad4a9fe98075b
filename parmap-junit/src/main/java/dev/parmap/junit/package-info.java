/**
 * A JUnit Jupiter extension that fails a test which leaves a thread behind: {@link
 * dev.parmap.junit.NoLeakedThreadsExtension}.
 *
 * <p>Every type in this package is null-marked: arguments and return values are non-null unless
 * annotated otherwise.
 *
 * @since 0.1
 */
@NullMarked
package dev.parmap.junit;

import org.jspecify.annotations.NullMarked;
