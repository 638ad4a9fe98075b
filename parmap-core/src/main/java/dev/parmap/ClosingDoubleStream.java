package dev.parmap;

import java.util.DoubleSummaryStatistics;
import java.util.OptionalDouble;
import java.util.PrimitiveIterator;
import java.util.Spliterator;
import java.util.function.BiConsumer;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleConsumer;
import java.util.function.DoubleFunction;
import java.util.function.DoublePredicate;
import java.util.function.DoubleToIntFunction;
import java.util.function.DoubleToLongFunction;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ObjDoubleConsumer;
import java.util.function.Supplier;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The {@code double} counterpart of {@link ClosingStream}: every intermediate operation returns a
 * closing stream, every terminal operation closes the stream when it returns or throws, and the
 * caller of {@link #iterator()} or {@link #spliterator()} must close the stream.
 */
final class ClosingDoubleStream implements DoubleStream {
  private final DoubleStream delegate;

  ClosingDoubleStream(DoubleStream delegate) {
    this.delegate = delegate;
  }

  // ---------------------------------------------------------------------------------------------
  // Intermediate operations: the result closes itself too

  @Override
  public DoubleStream filter(DoublePredicate predicate) {
    return new ClosingDoubleStream(delegate.filter(predicate));
  }

  @Override
  public DoubleStream map(DoubleUnaryOperator mapper) {
    return new ClosingDoubleStream(delegate.map(mapper));
  }

  @Override
  public <U extends @Nullable Object> Stream<U> mapToObj(DoubleFunction<? extends U> mapper) {
    return new ClosingStream<>(delegate.mapToObj(mapper));
  }

  @Override
  public IntStream mapToInt(DoubleToIntFunction mapper) {
    return new ClosingIntStream(delegate.mapToInt(mapper));
  }

  @Override
  public LongStream mapToLong(DoubleToLongFunction mapper) {
    return new ClosingLongStream(delegate.mapToLong(mapper));
  }

  @Override
  public DoubleStream flatMap(DoubleFunction<? extends DoubleStream> mapper) {
    return new ClosingDoubleStream(delegate.flatMap(mapper));
  }

  @Override
  public DoubleStream mapMulti(DoubleStream.DoubleMapMultiConsumer mapper) {
    return new ClosingDoubleStream(delegate.mapMulti(mapper));
  }

  @Override
  public DoubleStream distinct() {
    return new ClosingDoubleStream(delegate.distinct());
  }

  @Override
  public DoubleStream sorted() {
    return new ClosingDoubleStream(delegate.sorted());
  }

  @Override
  public DoubleStream peek(DoubleConsumer action) {
    return new ClosingDoubleStream(delegate.peek(action));
  }

  @Override
  public DoubleStream limit(long maxSize) {
    return new ClosingDoubleStream(delegate.limit(maxSize));
  }

  @Override
  public DoubleStream skip(long n) {
    return new ClosingDoubleStream(delegate.skip(n));
  }

  @Override
  public DoubleStream takeWhile(DoublePredicate predicate) {
    return new ClosingDoubleStream(delegate.takeWhile(predicate));
  }

  @Override
  public DoubleStream dropWhile(DoublePredicate predicate) {
    return new ClosingDoubleStream(delegate.dropWhile(predicate));
  }

  @Override
  public Stream<Double> boxed() {
    return new ClosingStream<>(delegate.boxed());
  }

  @Override
  public DoubleStream sequential() {
    return new ClosingDoubleStream(delegate.sequential());
  }

  @Override
  public DoubleStream parallel() {
    return new ClosingDoubleStream(delegate.parallel());
  }

  @Override
  public DoubleStream unordered() {
    return new ClosingDoubleStream(delegate.unordered());
  }

  @Override
  public DoubleStream onClose(Runnable closeHandler) {
    return new ClosingDoubleStream(delegate.onClose(closeHandler));
  }

  // ---------------------------------------------------------------------------------------------
  // Terminal operations: close the stream when they end

  @Override
  public void forEach(DoubleConsumer action) {
    try (delegate) {
      delegate.forEach(action);
    }
  }

  @Override
  public void forEachOrdered(DoubleConsumer action) {
    try (delegate) {
      delegate.forEachOrdered(action);
    }
  }

  @Override
  public double[] toArray() {
    try (delegate) {
      return delegate.toArray();
    }
  }

  @Override
  public double reduce(double identity, DoubleBinaryOperator op) {
    try (delegate) {
      return delegate.reduce(identity, op);
    }
  }

  @Override
  public OptionalDouble reduce(DoubleBinaryOperator op) {
    try (delegate) {
      return delegate.reduce(op);
    }
  }

  @Override
  public <R extends @Nullable Object> R collect(
      Supplier<R> supplier, ObjDoubleConsumer<R> accumulator, BiConsumer<R, R> combiner) {
    try (delegate) {
      return delegate.collect(supplier, accumulator, combiner);
    }
  }

  @Override
  public double sum() {
    try (delegate) {
      return delegate.sum();
    }
  }

  @Override
  public OptionalDouble min() {
    try (delegate) {
      return delegate.min();
    }
  }

  @Override
  public OptionalDouble max() {
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
  public DoubleSummaryStatistics summaryStatistics() {
    try (delegate) {
      return delegate.summaryStatistics();
    }
  }

  @Override
  public boolean anyMatch(DoublePredicate predicate) {
    try (delegate) {
      return delegate.anyMatch(predicate);
    }
  }

  @Override
  public boolean allMatch(DoublePredicate predicate) {
    try (delegate) {
      return delegate.allMatch(predicate);
    }
  }

  @Override
  public boolean noneMatch(DoublePredicate predicate) {
    try (delegate) {
      return delegate.noneMatch(predicate);
    }
  }

  @Override
  public OptionalDouble findFirst() {
    try (delegate) {
      return delegate.findFirst();
    }
  }

  @Override
  public OptionalDouble findAny() {
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
  public PrimitiveIterator.OfDouble iterator() {
    return delegate.iterator();
  }

  /**
   * The delegate's spliterator. The stream cannot know when the caller is done with it: close the
   * stream (try-with-resources).
   */
  @Override
  public Spliterator.OfDouble spliterator() {
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
