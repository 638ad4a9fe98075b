package dev.parmap.engine;

import java.util.Spliterator;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * Streams that close themselves when their terminal operation ends, so that a pipeline the caller
 * never closes, such as {@code pool.stream(items, task).limit(10).toList()} or {@code findFirst()},
 * still ends the parmap call behind it. {@code Pool#stream}, {@code Pool#streamUnordered} and
 * {@code Pool#streamOutcomes} return one.
 *
 * <h2>The promise</h2>
 *
 * <ul>
 *   <li>Every intermediate operation returns a closing stream around the delegate's result, of
 *       whichever shape it has ({@code mapToInt}, {@code boxed}, {@code flatMap}, {@code
 *       asLongStream}...), so the whole chain closes itself.
 *   <li>Every terminal operation, short-circuiting or not, closes the stream when it returns or
 *       throws, as try-with-resources does: a failure to close is added to the operation's own
 *       failure as suppressed, or thrown after a successful operation. Closing any stage of a JDK
 *       pipeline runs the close handlers of the whole pipeline once (they are kept by its source):
 *       for a parmap stream, the call's running tasks are interrupted and have ended before the
 *       terminal operation returns.
 *   <li>{@code iterator()} and {@code spliterator()} hand the traversal to the caller, who must
 *       then close the stream. So must the caller of an operation built on them: {@code
 *       Stream.concat}, and {@code gather} (Java 24: a default method that code compiled for Java
 *       21 cannot override; it wraps {@code spliterator()} in a plain stream that closes this one
 *       only when it is closed itself).
 *   <li>A stream abandoned unclosed is not this class's business: the call behind it lets its
 *       running tasks finish, starts no new ones and holds at most its window (see {@code
 *       Pool#stream}).
 * </ul>
 *
 * <h2>Why wrappers of all four stream interfaces</h2>
 *
 * The end of an exhaustive traversal reaches the source spliterator (and the call already ends
 * itself there), but a short-circuiting operation ({@code findFirst}, {@code anyMatch}, anything
 * after {@code limit} or {@code takeWhile}) just stops pulling: the JDK pipeline tells its source
 * nothing, and Java 21 has no hook for the end of a pipeline. The only code that runs as a terminal
 * operation returns is code around it on the call stack: a wrapper of the terminal operation. For
 * the terminal operation of a chain to be a wrapper's, every intermediate operation must return a
 * wrapper, in each of the four shapes ({@code mapToLong(f).anyMatch(p)} ends in {@code
 * LongStream}'s). So {@code ClosingStream}, {@code ClosingIntStream}, {@code ClosingLongStream} and
 * {@code ClosingDoubleStream} implement their interfaces in full, every method overridden (an
 * inherited default such as {@code takeWhile} would build a stream that does not close).
 *
 * <p>Those are about 170 methods of pure delegation in three patterns (wrap the result; close
 * around the call; hand over), so they are not written by hand: {@code
 * src/build/java/GenerateClosingStreams.java} writes them from the JDK's interfaces at {@code
 * generate-sources}, and a method a later JDK adds is wrapped by the next build rather than
 * forgotten. They cost one small object per pipeline stage and nothing per element: elements flow
 * through the JDK's own pipeline. The alternatives fail the promise or the hot path: a {@code
 * java.lang.reflect.Proxy} dispatches every call reflectively, boxing arguments; a {@code Cleaner}
 * acts at some garbage collection, not when {@code findFirst} returns; closing in the spliterator
 * alone misses every short-circuiting operation.
 *
 * <p>Like any stream, a closing stream is used by one thread at a time.
 */
public final class ClosingStreams {
  private ClosingStreams() {}

  /**
   * A sequential closing stream over {@code elements}, whose closing runs {@code close} once.
   *
   * @param elements the source; its traversal happens on the thread running the terminal operation
   * @param close what ends the work behind the elements
   * @return a stream that closes itself when its terminal operation ends
   */
  public static <R extends @Nullable Object> Stream<R> over(
      Spliterator<R> elements, Runnable close) {
    return new ClosingStream<>(StreamSupport.stream(elements, false).onClose(close));
  }
}
