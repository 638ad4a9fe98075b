package dev.parmap;

import java.util.IntSummaryStatistics;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.PrimitiveIterator;
import java.util.Spliterator;
import java.util.function.BiConsumer;
import java.util.function.IntBinaryOperator;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import java.util.function.IntToDoubleFunction;
import java.util.function.IntToLongFunction;
import java.util.function.IntUnaryOperator;
import java.util.function.ObjIntConsumer;
import java.util.function.Supplier;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The {@code int} counterpart of {@link ClosingStream}: every intermediate operation returns a
 * closing stream, every terminal operation closes the stream when it returns or throws, and the
 * caller of {@link #iterator()} or {@link #spliterator()} must close the stream.
 */
final class ClosingIntStream implements IntStream {
  private final IntStream delegate;

  ClosingIntStream(IntStream delegate) {
    this.delegate = delegate;
  }

  // ---------------------------------------------------------------------------------------------
  // Intermediate operations: the result closes itself too

  @Override
  public IntStream filter(IntPredicate predicate) {
    return new ClosingIntStream(delegate.filter(predicate));
  }

  @Override
  public IntStream map(IntUnaryOperator mapper) {
    return new ClosingIntStream(delegate.map(mapper));
  }

  @Override
  public <U extends @Nullable Object> Stream<U> mapToObj(IntFunction<? extends U> mapper) {
    return new ClosingStream<>(delegate.mapToObj(mapper));
  }

  @Override
  public LongStream mapToLong(IntToLongFunction mapper) {
    return new ClosingLongStream(delegate.mapToLong(mapper));
  }

  @Override
  public DoubleStream mapToDouble(IntToDoubleFunction mapper) {
    return new ClosingDoubleStream(delegate.mapToDouble(mapper));
  }

  @Override
  public IntStream flatMap(IntFunction<? extends IntStream> mapper) {
    return new ClosingIntStream(delegate.flatMap(mapper));
  }

  @Override
  public IntStream mapMulti(IntStream.IntMapMultiConsumer mapper) {
    return new ClosingIntStream(delegate.mapMulti(mapper));
  }

  @Override
  public IntStream distinct() {
    return new ClosingIntStream(delegate.distinct());
  }

  @Override
  public IntStream sorted() {
    return new ClosingIntStream(delegate.sorted());
  }

  @Override
  public IntStream peek(IntConsumer action) {
    return new ClosingIntStream(delegate.peek(action));
  }

  @Override
  public IntStream limit(long maxSize) {
    return new ClosingIntStream(delegate.limit(maxSize));
  }

  @Override
  public IntStream skip(long n) {
    return new ClosingIntStream(delegate.skip(n));
  }

  @Override
  public IntStream takeWhile(IntPredicate predicate) {
    return new ClosingIntStream(delegate.takeWhile(predicate));
  }

  @Override
  public IntStream dropWhile(IntPredicate predicate) {
    return new ClosingIntStream(delegate.dropWhile(predicate));
  }

  @Override
  public LongStream asLongStream() {
    return new ClosingLongStream(delegate.asLongStream());
  }

  @Override
  public DoubleStream asDoubleStream() {
    return new ClosingDoubleStream(delegate.asDoubleStream());
  }

  @Override
  public Stream<Integer> boxed() {
    return new ClosingStream<>(delegate.boxed());
  }

  @Override
  public IntStream sequential() {
    return new ClosingIntStream(delegate.sequential());
  }

  @Override
  public IntStream parallel() {
    return new ClosingIntStream(delegate.parallel());
  }

  @Override
  public IntStream unordered() {
    return new ClosingIntStream(delegate.unordered());
  }

  @Override
  public IntStream onClose(Runnable closeHandler) {
    return new ClosingIntStream(delegate.onClose(closeHandler));
  }

  // ---------------------------------------------------------------------------------------------
  // Terminal operations: close the stream when they end

  @Override
  public void forEach(IntConsumer action) {
    try (delegate) {
      delegate.forEach(action);
    }
  }

  @Override
  public void forEachOrdered(IntConsumer action) {
    try (delegate) {
      delegate.forEachOrdered(action);
    }
  }

  @Override
  public int[] toArray() {
    try (delegate) {
      return delegate.toArray();
    }
  }

  @Override
  public int reduce(int identity, IntBinaryOperator op) {
    try (delegate) {
      return delegate.reduce(identity, op);
    }
  }

  @Override
  public OptionalInt reduce(IntBinaryOperator op) {
    try (delegate) {
      return delegate.reduce(op);
    }
  }

  @Override
  public <R extends @Nullable Object> R collect(
      Supplier<R> supplier, ObjIntConsumer<R> accumulator, BiConsumer<R, R> combiner) {
    try (delegate) {
      return delegate.collect(supplier, accumulator, combiner);
    }
  }

  @Override
  public int sum() {
    try (delegate) {
      return delegate.sum();
    }
  }

  @Override
  public OptionalInt min() {
    try (delegate) {
      return delegate.min();
    }
  }

  @Override
  public OptionalInt max() {
    try (delegate) {
      return delegate.max();
    }
  }

  @Override
  public long count() {
    try (delegate) {
      return delegate.count();
    }
  }

  @Override
  public OptionalDouble average() {
    try (delegate) {
      return delegate.average();
    }
  }

  @Override
  public IntSummaryStatistics summaryStatistics() {
    try (delegate) {
      return delegate.summaryStatistics();
    }
  }

  @Override
  public boolean anyMatch(IntPredicate predicate) {
    try (delegate) {
      return delegate.anyMatch(predicate);
    }
  }

  @Override
  public boolean allMatch(IntPredicate predicate) {
    try (delegate) {
      return delegate.allMatch(predicate);
    }
  }

  @Override
  public boolean noneMatch(IntPredicate predicate) {
    try (delegate) {
      return delegate.noneMatch(predicate);
    }
  }

  @Override
  public OptionalInt findFirst() {
    try (delegate) {
      return delegate.findFirst();
    }
  }

  @Override
  public OptionalInt findAny() {
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
  public PrimitiveIterator.OfInt iterator() {
    return delegate.iterator();
  }

  /**
   * The delegate's spliterator. The stream cannot know when the caller is done with it: close the
   * stream (try-with-resources).
   */
  @Override
  public Spliterator.OfInt spliterator() {
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
