package dev.parmap;

import java.util.LongSummaryStatistics;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.PrimitiveIterator;
import java.util.Spliterator;
import java.util.function.BiConsumer;
import java.util.function.LongBinaryOperator;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;
import java.util.function.LongPredicate;
import java.util.function.LongToDoubleFunction;
import java.util.function.LongToIntFunction;
import java.util.function.LongUnaryOperator;
import java.util.function.ObjLongConsumer;
import java.util.function.Supplier;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The {@code long} counterpart of {@link ClosingStream}: every intermediate operation returns a
 * closing stream, every terminal operation closes the stream when it returns or throws, and the
 * caller of {@link #iterator()} or {@link #spliterator()} must close the stream.
 */
final class ClosingLongStream implements LongStream {
  private final LongStream delegate;

  ClosingLongStream(LongStream delegate) {
    this.delegate = delegate;
  }

  // ---------------------------------------------------------------------------------------------
  // Intermediate operations: the result closes itself too

  @Override
  public LongStream filter(LongPredicate predicate) {
    return new ClosingLongStream(delegate.filter(predicate));
  }

  @Override
  public LongStream map(LongUnaryOperator mapper) {
    return new ClosingLongStream(delegate.map(mapper));
  }

  @Override
  public <U extends @Nullable Object> Stream<U> mapToObj(LongFunction<? extends U> mapper) {
    return new ClosingStream<>(delegate.mapToObj(mapper));
  }

  @Override
  public IntStream mapToInt(LongToIntFunction mapper) {
    return new ClosingIntStream(delegate.mapToInt(mapper));
  }

  @Override
  public DoubleStream mapToDouble(LongToDoubleFunction mapper) {
    return new ClosingDoubleStream(delegate.mapToDouble(mapper));
  }

  @Override
  public LongStream flatMap(LongFunction<? extends LongStream> mapper) {
    return new ClosingLongStream(delegate.flatMap(mapper));
  }

  @Override
  public LongStream mapMulti(LongStream.LongMapMultiConsumer mapper) {
    return new ClosingLongStream(delegate.mapMulti(mapper));
  }

  @Override
  public LongStream distinct() {
    return new ClosingLongStream(delegate.distinct());
  }

  @Override
  public LongStream sorted() {
    return new ClosingLongStream(delegate.sorted());
  }

  @Override
  public LongStream peek(LongConsumer action) {
    return new ClosingLongStream(delegate.peek(action));
  }

  @Override
  public LongStream limit(long maxSize) {
    return new ClosingLongStream(delegate.limit(maxSize));
  }

  @Override
  public LongStream skip(long n) {
    return new ClosingLongStream(delegate.skip(n));
  }

  @Override
  public LongStream takeWhile(LongPredicate predicate) {
    return new ClosingLongStream(delegate.takeWhile(predicate));
  }

  @Override
  public LongStream dropWhile(LongPredicate predicate) {
    return new ClosingLongStream(delegate.dropWhile(predicate));
  }

  @Override
  public DoubleStream asDoubleStream() {
    return new ClosingDoubleStream(delegate.asDoubleStream());
  }

  @Override
  public Stream<Long> boxed() {
    return new ClosingStream<>(delegate.boxed());
  }

  @Override
  public LongStream sequential() {
    return new ClosingLongStream(delegate.sequential());
  }

  @Override
  public LongStream parallel() {
    return new ClosingLongStream(delegate.parallel());
  }

  @Override
  public LongStream unordered() {
    return new ClosingLongStream(delegate.unordered());
  }

  @Override
  public LongStream onClose(Runnable closeHandler) {
    return new ClosingLongStream(delegate.onClose(closeHandler));
  }

  // ---------------------------------------------------------------------------------------------
  // Terminal operations: close the stream when they end

  @Override
  public void forEach(LongConsumer action) {
    try (delegate) {
      delegate.forEach(action);
    }
  }

  @Override
  public void forEachOrdered(LongConsumer action) {
    try (delegate) {
      delegate.forEachOrdered(action);
    }
  }

  @Override
  public long[] toArray() {
    try (delegate) {
      return delegate.toArray();
    }
  }

  @Override
  public long reduce(long identity, LongBinaryOperator op) {
    try (delegate) {
      return delegate.reduce(identity, op);
    }
  }

  @Override
  public OptionalLong reduce(LongBinaryOperator op) {
    try (delegate) {
      return delegate.reduce(op);
    }
  }

  @Override
  public <R extends @Nullable Object> R collect(
      Supplier<R> supplier, ObjLongConsumer<R> accumulator, BiConsumer<R, R> combiner) {
    try (delegate) {
      return delegate.collect(supplier, accumulator, combiner);
    }
  }

  @Override
  public long sum() {
    try (delegate) {
      return delegate.sum();
    }
  }

  @Override
  public OptionalLong min() {
    try (delegate) {
      return delegate.min();
    }
  }

  @Override
  public OptionalLong max() {
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
  public LongSummaryStatistics summaryStatistics() {
    try (delegate) {
      return delegate.summaryStatistics();
    }
  }

  @Override
  public boolean anyMatch(LongPredicate predicate) {
    try (delegate) {
      return delegate.anyMatch(predicate);
    }
  }

  @Override
  public boolean allMatch(LongPredicate predicate) {
    try (delegate) {
      return delegate.allMatch(predicate);
    }
  }

  @Override
  public boolean noneMatch(LongPredicate predicate) {
    try (delegate) {
      return delegate.noneMatch(predicate);
    }
  }

  @Override
  public OptionalLong findFirst() {
    try (delegate) {
      return delegate.findFirst();
    }
  }

  @Override
  public OptionalLong findAny() {
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
  public PrimitiveIterator.OfLong iterator() {
    return delegate.iterator();
  }

  /**
   * The delegate's spliterator. The stream cannot know when the caller is done with it: close the
   * stream (try-with-resources).
   */
  @Override
  public Spliterator.OfLong spliterator() {
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
