package dev.parmap;

import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Spliterator;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;
import java.util.stream.Collector;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A stream that closes itself when its terminal operation ends, so that a pipeline the caller never
 * closes, such as {@code pool.stream(items, task).limit(10).toList()} or {@code findFirst()}, still
 * stops the parmap call behind it: {@link Pool#stream} and {@link Pool#streamUnordered} return one.
 *
 * <ul>
 *   <li>Every intermediate operation returns a closing stream (this class or {@link
 *       ClosingIntStream}, {@link ClosingLongStream}, {@link ClosingDoubleStream}) around the
 *       delegate's result, so the whole chain closes itself.
 *   <li>Every terminal operation closes the stream when it returns or throws, as try-with-resources
 *       does (a failure to close is added to the operation's own failure as suppressed). Closing
 *       any stage of a JDK pipeline runs the close handlers of the whole pipeline: for a parmap
 *       stream, the call's running tasks are interrupted and have ended before the terminal
 *       operation returns.
 *   <li>{@link #iterator()} and {@link #spliterator()} hand the traversal to the caller, who must
 *       then close the stream (try-with-resources). So must the caller of an operation built on
 *       them: {@code Stream.concat}, and {@code gather} (added after Java 21, so this class,
 *       compiled for Java 21, cannot override it: its default implementation wraps {@link
 *       #spliterator()} in a plain stream that closes this one only when it is closed itself).
 * </ul>
 *
 * <p>Like any stream, it is used by one thread at a time.
 *
 * @param <T> the type of the elements
 */
final class ClosingStream<T extends @Nullable Object> implements Stream<T> {
  private final Stream<T> delegate;

  ClosingStream(Stream<T> delegate) {
    this.delegate = delegate;
  }

  // ---------------------------------------------------------------------------------------------
  // Intermediate operations: the result closes itself too

  @Override
  public Stream<T> filter(Predicate<? super T> predicate) {
    return new ClosingStream<>(delegate.filter(predicate));
  }

  @Override
  public <R extends @Nullable Object> Stream<R> map(Function<? super T, ? extends R> mapper) {
    return new ClosingStream<>(delegate.map(mapper));
  }

  @Override
  public IntStream mapToInt(ToIntFunction<? super T> mapper) {
    return new ClosingIntStream(delegate.mapToInt(mapper));
  }

  @Override
  public LongStream mapToLong(ToLongFunction<? super T> mapper) {
    return new ClosingLongStream(delegate.mapToLong(mapper));
  }

  @Override
  public DoubleStream mapToDouble(ToDoubleFunction<? super T> mapper) {
    return new ClosingDoubleStream(delegate.mapToDouble(mapper));
  }

  @Override
  public <R extends @Nullable Object> Stream<R> flatMap(
      Function<? super T, ? extends Stream<? extends R>> mapper) {
    return new ClosingStream<>(delegate.flatMap(mapper));
  }

  @Override
  public IntStream flatMapToInt(Function<? super T, ? extends IntStream> mapper) {
    return new ClosingIntStream(delegate.flatMapToInt(mapper));
  }

  @Override
  public LongStream flatMapToLong(Function<? super T, ? extends LongStream> mapper) {
    return new ClosingLongStream(delegate.flatMapToLong(mapper));
  }

  @Override
  public DoubleStream flatMapToDouble(Function<? super T, ? extends DoubleStream> mapper) {
    return new ClosingDoubleStream(delegate.flatMapToDouble(mapper));
  }

  @Override
  public <R extends @Nullable Object> Stream<R> mapMulti(
      BiConsumer<? super T, ? super Consumer<R>> mapper) {
    return new ClosingStream<>(delegate.mapMulti(mapper));
  }

  @Override
  public IntStream mapMultiToInt(BiConsumer<? super T, ? super IntConsumer> mapper) {
    return new ClosingIntStream(delegate.mapMultiToInt(mapper));
  }

  @Override
  public LongStream mapMultiToLong(BiConsumer<? super T, ? super LongConsumer> mapper) {
    return new ClosingLongStream(delegate.mapMultiToLong(mapper));
  }

  @Override
  public DoubleStream mapMultiToDouble(BiConsumer<? super T, ? super DoubleConsumer> mapper) {
    return new ClosingDoubleStream(delegate.mapMultiToDouble(mapper));
  }

  @Override
  public Stream<T> distinct() {
    return new ClosingStream<>(delegate.distinct());
  }

  @Override
  public Stream<T> sorted() {
    return new ClosingStream<>(delegate.sorted());
  }

  @Override
  public Stream<T> sorted(Comparator<? super T> comparator) {
    return new ClosingStream<>(delegate.sorted(comparator));
  }

  @Override
  public Stream<T> peek(Consumer<? super T> action) {
    return new ClosingStream<>(delegate.peek(action));
  }

  @Override
  public Stream<T> limit(long maxSize) {
    return new ClosingStream<>(delegate.limit(maxSize));
  }

  @Override
  public Stream<T> skip(long n) {
    return new ClosingStream<>(delegate.skip(n));
  }

  @Override
  public Stream<T> takeWhile(Predicate<? super T> predicate) {
    return new ClosingStream<>(delegate.takeWhile(predicate));
  }

  @Override
  public Stream<T> dropWhile(Predicate<? super T> predicate) {
    return new ClosingStream<>(delegate.dropWhile(predicate));
  }

  @Override
  public Stream<T> sequential() {
    return new ClosingStream<>(delegate.sequential());
  }

  @Override
  public Stream<T> parallel() {
    return new ClosingStream<>(delegate.parallel());
  }

  @Override
  public Stream<T> unordered() {
    return new ClosingStream<>(delegate.unordered());
  }

  @Override
  public Stream<T> onClose(Runnable closeHandler) {
    return new ClosingStream<>(delegate.onClose(closeHandler));
  }

  // ---------------------------------------------------------------------------------------------
  // Terminal operations: close the stream when they end

  @Override
  public void forEach(Consumer<? super T> action) {
    try (delegate) {
      delegate.forEach(action);
    }
  }

  @Override
  public void forEachOrdered(Consumer<? super T> action) {
    try (delegate) {
      delegate.forEachOrdered(action);
    }
  }

  @Override
  public Object[] toArray() {
    try (delegate) {
      return delegate.toArray();
    }
  }

  @Override
  public <A> A[] toArray(IntFunction<A[]> generator) {
    try (delegate) {
      return delegate.toArray(generator);
    }
  }

  @Override
  public T reduce(T identity, BinaryOperator<T> accumulator) {
    try (delegate) {
      return delegate.reduce(identity, accumulator);
    }
  }

  @Override
  public Optional<T> reduce(BinaryOperator<T> accumulator) {
    try (delegate) {
      return delegate.reduce(accumulator);
    }
  }

  @Override
  public <U extends @Nullable Object> U reduce(
      U identity, BiFunction<U, ? super T, U> accumulator, BinaryOperator<U> combiner) {
    try (delegate) {
      return delegate.reduce(identity, accumulator, combiner);
    }
  }

  @Override
  public <R extends @Nullable Object> R collect(
      Supplier<R> supplier, BiConsumer<R, ? super T> accumulator, BiConsumer<R, R> combiner) {
    try (delegate) {
      return delegate.collect(supplier, accumulator, combiner);
    }
  }

  @Override
  public <R extends @Nullable Object, A extends @Nullable Object> R collect(
      Collector<? super T, A, R> collector) {
    try (delegate) {
      return delegate.collect(collector);
    }
  }

  @Override
  public List<T> toList() {
    try (delegate) {
      return delegate.toList();
    }
  }

  @Override
  public Optional<T> min(Comparator<? super T> comparator) {
    try (delegate) {
      return delegate.min(comparator);
    }
  }

  @Override
  public Optional<T> max(Comparator<? super T> comparator) {
    try (delegate) {
      return delegate.max(comparator);
    }
  }

  @Override
  public long count() {
    try (delegate) {
      return delegate.count();
    }
  }

  @Override
  public boolean anyMatch(Predicate<? super T> predicate) {
    try (delegate) {
      return delegate.anyMatch(predicate);
    }
  }

  @Override
  public boolean allMatch(Predicate<? super T> predicate) {
    try (delegate) {
      return delegate.allMatch(predicate);
    }
  }

  @Override
  public boolean noneMatch(Predicate<? super T> predicate) {
    try (delegate) {
      return delegate.noneMatch(predicate);
    }
  }

  @Override
  public Optional<T> findFirst() {
    try (delegate) {
      return delegate.findFirst();
    }
  }

  @Override
  public Optional<T> findAny() {
    try (delegate) {
      return delegate.findAny();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Traversal driven by the caller, who must close the stream

  /**
   * The delegate's iterator. The stream cannot know when the caller is done with it: close the
   * stream (try-with-resources).
   */
  @Override
  public Iterator<T> iterator() {
    return delegate.iterator();
  }

  /**
   * The delegate's spliterator. The stream cannot know when the caller is done with it: close the
   * stream (try-with-resources).
   */
  @Override
  public Spliterator<T> spliterator() {
    return delegate.spliterator();
  }

  @Override
  public boolean isParallel() {
    return delegate.isParallel();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
