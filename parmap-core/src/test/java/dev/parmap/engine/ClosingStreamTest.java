package dev.parmap.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.parmap.Pool;
import dev.parmap.PoolKind;
import dev.parmap.Task;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.BaseStream;
import java.util.stream.Collectors;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Result streams close themselves when their terminal operation ends, so that a short-circuiting
 * pipeline the caller never closes still stops the call behind it.
 */
class ClosingStreamTest {

  // ---------------------------------------------------------------------------------------------
  // On parmap streams

  /** A terminal operation that stops after the first result, item 0. */
  record ShortCircuit(String name, Function<Stream<Integer>, Object> terminal, Object expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> shortCircuits() {
    List<ShortCircuit> shortCircuits =
        List.of(
            new ShortCircuit("limit(1).toList()", s -> s.limit(1).toList(), List.of(0)),
            new ShortCircuit("findFirst()", Stream::findFirst, Optional.of(0)),
            new ShortCircuit(
                "mapToLong(..).anyMatch(..)",
                s -> s.mapToLong(Integer::longValue).anyMatch(x -> x == 0),
                true));
    List<Arguments> all = new ArrayList<>();
    for (PoolKind kind : PoolKind.all()) {
      for (boolean ordered : List.of(true, false)) {
        for (ShortCircuit shortCircuit : shortCircuits) {
          all.add(Arguments.of(kind, ordered ? "stream" : "streamUnordered", shortCircuit));
        }
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0}: {1}(..).{2}")
  @MethodSource("shortCircuits")
  void aShortCircuitingTerminalOperationInterruptsTheRunningTasksAndWaitsForThem(
      PoolKind kind, String call, ShortCircuit shortCircuit) throws Exception {
    CountDownLatch anotherRunning = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    AtomicInteger started = new AtomicInteger();
    AtomicInteger interrupted = new AtomicInteger();
    AtomicInteger ended = new AtomicInteger();
    Task<Integer, Integer> task =
        i -> {
          started.incrementAndGet();
          try {
            if (i == 0) {
              // The only result: it comes once another item is running, so there is work to stop.
              assertThat(anotherRunning.await(30, TimeUnit.SECONDS)).isTrue();
              return 0;
            }
            anotherRunning.countDown();
            never.await();
            return i;
          } catch (InterruptedException e) {
            interrupted.incrementAndGet();
            throw e;
          } finally {
            ended.incrementAndGet();
          }
        };
    List<Integer> items = IntStream.range(0, 64).boxed().toList();
    try (Pool pool = kind.create(4)) {
      try {
        Stream<Integer> results =
            call.equals("stream") ? pool.stream(items, task) : pool.streamUnordered(items, task);

        Object result = shortCircuit.terminal().apply(results); // not closed by the test: the point

        assertThat(result).isEqualTo(shortCircuit.expected());
        assertThat(started.get()).isGreaterThanOrEqualTo(2);
        assertThat(interrupted.get()).isEqualTo(started.get() - 1);
        assertThat(ended.get()).isEqualTo(started.get());
      } finally {
        never.countDown(); // if the stream was not closed, let the pool's close() end
      }
    }
  }

  @Test
  void aChainOfIntermediateOperationsOnAParmapStreamClosesItAtTheEnd() {
    AtomicInteger closes = new AtomicInteger();
    try (Pool pool = Pool.virtual()) {
      long count =
          pool.stream(IntStream.range(0, 1_000).boxed().toList(), i -> i)
              .onClose(closes::incrementAndGet)
              .map(i -> i * 2)
              .filter(i -> i % 3 == 0)
              .limit(100)
              .count();
      assertThat(count).isEqualTo(100);
      assertThat(closes).hasValue(1);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Every operation of every wrapper, on plain JDK streams

  /** A kind of stream: a plain JDK stream over 3, 1, 2, 3, and how to wrap it. */
  record Kind<S extends BaseStream<?, S>>(
      String name, Class<?> type, Class<?> wrapper, Supplier<S> plain, UnaryOperator<S> wrap) {
    /** A closing stream over 3, 1, 2, 3 that runs {@code closeHandler} when closed. */
    S closing(Runnable closeHandler) {
      return wrap.apply(plain.get().onClose(closeHandler));
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static final Kind<Stream<Integer>> OBJECTS =
      new Kind<>(
          "Stream",
          Stream.class,
          ClosingStream.class,
          () -> Stream.of(3, 1, 2, 3),
          ClosingStream::new);
  static final Kind<IntStream> INTS =
      new Kind<>(
          "IntStream",
          IntStream.class,
          ClosingIntStream.class,
          () -> IntStream.of(3, 1, 2, 3),
          ClosingIntStream::new);
  static final Kind<LongStream> LONGS =
      new Kind<>(
          "LongStream",
          LongStream.class,
          ClosingLongStream.class,
          () -> LongStream.of(3, 1, 2, 3),
          ClosingLongStream::new);
  static final Kind<DoubleStream> DOUBLES =
      new Kind<>(
          "DoubleStream",
          DoubleStream.class,
          ClosingDoubleStream.class,
          () -> DoubleStream.of(3, 1, 2, 3),
          ClosingDoubleStream::new);

  static final List<Kind<?>> KINDS = List.of(OBJECTS, INTS, LONGS, DOUBLES);

  /** An operation on a stream of one kind; {@code operation} names it as in the JDK. */
  record Case<S extends BaseStream<?, S>>(Kind<S> kind, String operation, Function<S, Object> op) {
    Object onPlain() {
      return op.apply(kind.plain().get());
    }

    String methodName() {
      int parenthesis = operation.indexOf('(');
      return parenthesis < 0 ? operation : operation.substring(0, parenthesis);
    }

    @Override
    public String toString() {
      return kind + "." + operation;
    }
  }

  private static <S extends BaseStream<?, S>> Case<S> op(
      Kind<S> kind, String operation, Function<S, Object> op) {
    return new Case<>(kind, operation, op);
  }

  static List<Case<?>> terminalOperations() {
    return List.of(
        op(OBJECTS, "forEach", s -> collectEach(s::forEach)),
        op(OBJECTS, "forEachOrdered", s -> collectEach(s::forEachOrdered)),
        op(OBJECTS, "toArray()", Stream::toArray),
        op(OBJECTS, "toArray(generator)", s -> s.toArray(Integer[]::new)),
        op(OBJECTS, "reduce(identity, accumulator)", s -> s.reduce(0, Integer::sum)),
        op(OBJECTS, "reduce(accumulator)", s -> s.reduce(Integer::sum)),
        op(
            OBJECTS,
            "reduce(identity, accumulator, combiner)",
            s -> s.reduce(0L, (sum, i) -> sum + i, Long::sum)),
        op(
            OBJECTS,
            "collect(supplier, accumulator, combiner)",
            s -> s.collect(ArrayList::new, ArrayList::add, ArrayList::addAll)),
        op(OBJECTS, "collect(collector)", s -> s.collect(Collectors.toCollection(TreeSet::new))),
        op(OBJECTS, "toList", Stream::toList),
        op(OBJECTS, "min", s -> s.min(Comparator.naturalOrder())),
        op(OBJECTS, "max", s -> s.max(Comparator.naturalOrder())),
        op(OBJECTS, "count", Stream::count),
        op(OBJECTS, "anyMatch", s -> s.anyMatch(i -> i == 2)),
        op(OBJECTS, "allMatch", s -> s.allMatch(i -> i > 0)),
        op(OBJECTS, "noneMatch", s -> s.noneMatch(i -> i > 5)),
        op(OBJECTS, "findFirst", Stream::findFirst),
        op(OBJECTS, "findAny", s -> s.findAny().isPresent()),
        op(INTS, "forEach", s -> collectEach(action -> s.forEach(action::accept))),
        op(INTS, "forEachOrdered", s -> collectEach(action -> s.forEachOrdered(action::accept))),
        op(INTS, "toArray", IntStream::toArray),
        op(INTS, "reduce(identity, op)", s -> s.reduce(0, Integer::sum)),
        op(INTS, "reduce(op)", s -> s.reduce(Integer::sum)),
        op(
            INTS,
            "collect(supplier, accumulator, combiner)",
            s -> s.collect(ArrayList<Integer>::new, ArrayList::add, ArrayList::addAll)),
        op(INTS, "sum", IntStream::sum),
        op(INTS, "min", IntStream::min),
        op(INTS, "max", IntStream::max),
        op(INTS, "count", IntStream::count),
        op(INTS, "average", IntStream::average),
        op(INTS, "summaryStatistics", IntStream::summaryStatistics),
        op(INTS, "anyMatch", s -> s.anyMatch(i -> i == 2)),
        op(INTS, "allMatch", s -> s.allMatch(i -> i > 0)),
        op(INTS, "noneMatch", s -> s.noneMatch(i -> i > 5)),
        op(INTS, "findFirst", IntStream::findFirst),
        op(INTS, "findAny", s -> s.findAny().isPresent()),
        op(LONGS, "forEach", s -> collectEach(action -> s.forEach(action::accept))),
        op(LONGS, "forEachOrdered", s -> collectEach(action -> s.forEachOrdered(action::accept))),
        op(LONGS, "toArray", LongStream::toArray),
        op(LONGS, "reduce(identity, op)", s -> s.reduce(0, Long::sum)),
        op(LONGS, "reduce(op)", s -> s.reduce(Long::sum)),
        op(
            LONGS,
            "collect(supplier, accumulator, combiner)",
            s -> s.collect(ArrayList<Long>::new, ArrayList::add, ArrayList::addAll)),
        op(LONGS, "sum", LongStream::sum),
        op(LONGS, "min", LongStream::min),
        op(LONGS, "max", LongStream::max),
        op(LONGS, "count", LongStream::count),
        op(LONGS, "average", LongStream::average),
        op(LONGS, "summaryStatistics", LongStream::summaryStatistics),
        op(LONGS, "anyMatch", s -> s.anyMatch(i -> i == 2)),
        op(LONGS, "allMatch", s -> s.allMatch(i -> i > 0)),
        op(LONGS, "noneMatch", s -> s.noneMatch(i -> i > 5)),
        op(LONGS, "findFirst", LongStream::findFirst),
        op(LONGS, "findAny", s -> s.findAny().isPresent()),
        op(DOUBLES, "forEach", s -> collectEach(action -> s.forEach(action::accept))),
        op(DOUBLES, "forEachOrdered", s -> collectEach(action -> s.forEachOrdered(action::accept))),
        op(DOUBLES, "toArray", DoubleStream::toArray),
        op(DOUBLES, "reduce(identity, op)", s -> s.reduce(0, Double::sum)),
        op(DOUBLES, "reduce(op)", s -> s.reduce(Double::sum)),
        op(
            DOUBLES,
            "collect(supplier, accumulator, combiner)",
            s -> s.collect(ArrayList<Double>::new, ArrayList::add, ArrayList::addAll)),
        op(DOUBLES, "sum", DoubleStream::sum),
        op(DOUBLES, "min", DoubleStream::min),
        op(DOUBLES, "max", DoubleStream::max),
        op(DOUBLES, "count", DoubleStream::count),
        op(DOUBLES, "average", DoubleStream::average),
        op(DOUBLES, "summaryStatistics", DoubleStream::summaryStatistics),
        op(DOUBLES, "anyMatch", s -> s.anyMatch(d -> d == 2)),
        op(DOUBLES, "allMatch", s -> s.allMatch(d -> d > 0)),
        op(DOUBLES, "noneMatch", s -> s.noneMatch(d -> d > 5)),
        op(DOUBLES, "findFirst", DoubleStream::findFirst),
        op(DOUBLES, "findAny", s -> s.findAny().isPresent()));
  }

  /** Operations that return a stream; the generic ones of {@link BaseStream} come per kind. */
  static List<Case<?>> intermediateOperations() {
    List<Case<?>> all =
        new ArrayList<>(
            List.of(
                op(OBJECTS, "filter", s -> s.filter(i -> i > 1)),
                op(OBJECTS, "map", s -> s.map(i -> "#" + i)),
                op(OBJECTS, "mapToInt", s -> s.mapToInt(i -> i)),
                op(OBJECTS, "mapToLong", s -> s.mapToLong(i -> i)),
                op(OBJECTS, "mapToDouble", s -> s.mapToDouble(i -> i)),
                op(OBJECTS, "flatMap", s -> s.flatMap(i -> Stream.of(i, -i))),
                op(OBJECTS, "flatMapToInt", s -> s.flatMapToInt(i -> IntStream.of(i, -i))),
                op(OBJECTS, "flatMapToLong", s -> s.flatMapToLong(i -> LongStream.of(i, -i))),
                op(OBJECTS, "flatMapToDouble", s -> s.flatMapToDouble(i -> DoubleStream.of(i, -i))),
                op(OBJECTS, "mapMulti", s -> s.<String>mapMulti((i, sink) -> sink.accept("#" + i))),
                op(OBJECTS, "mapMultiToInt", s -> s.mapMultiToInt((i, sink) -> sink.accept(-i))),
                op(OBJECTS, "mapMultiToLong", s -> s.mapMultiToLong((i, sink) -> sink.accept(-i))),
                op(
                    OBJECTS,
                    "mapMultiToDouble",
                    s -> s.mapMultiToDouble((i, sink) -> sink.accept(-i))),
                op(OBJECTS, "distinct", Stream::distinct),
                op(OBJECTS, "sorted()", Stream::sorted),
                op(OBJECTS, "sorted(comparator)", s -> s.sorted(Comparator.reverseOrder())),
                op(OBJECTS, "peek", s -> s.peek(i -> {})),
                op(OBJECTS, "limit", s -> s.limit(2)),
                op(OBJECTS, "skip", s -> s.skip(1)),
                op(OBJECTS, "takeWhile", s -> s.takeWhile(i -> i > 2)),
                op(OBJECTS, "dropWhile", s -> s.dropWhile(i -> i > 2)),
                op(INTS, "filter", s -> s.filter(i -> i > 1)),
                op(INTS, "map", s -> s.map(i -> -i)),
                op(INTS, "mapToObj", s -> s.mapToObj(i -> "#" + i)),
                op(INTS, "mapToLong", s -> s.mapToLong(i -> -i)),
                op(INTS, "mapToDouble", s -> s.mapToDouble(i -> -i)),
                op(INTS, "flatMap", s -> s.flatMap(i -> IntStream.of(i, -i))),
                op(INTS, "mapMulti", s -> s.mapMulti((i, sink) -> sink.accept(-i))),
                op(INTS, "distinct", IntStream::distinct),
                op(INTS, "sorted", IntStream::sorted),
                op(INTS, "peek", s -> s.peek(i -> {})),
                op(INTS, "limit", s -> s.limit(2)),
                op(INTS, "skip", s -> s.skip(1)),
                op(INTS, "takeWhile", s -> s.takeWhile(i -> i > 2)),
                op(INTS, "dropWhile", s -> s.dropWhile(i -> i > 2)),
                op(INTS, "asLongStream", IntStream::asLongStream),
                op(INTS, "asDoubleStream", IntStream::asDoubleStream),
                op(INTS, "boxed", IntStream::boxed),
                op(LONGS, "filter", s -> s.filter(i -> i > 1)),
                op(LONGS, "map", s -> s.map(i -> -i)),
                op(LONGS, "mapToObj", s -> s.mapToObj(i -> "#" + i)),
                op(LONGS, "mapToInt", s -> s.mapToInt(i -> (int) -i)),
                op(LONGS, "mapToDouble", s -> s.mapToDouble(i -> -i)),
                op(LONGS, "flatMap", s -> s.flatMap(i -> LongStream.of(i, -i))),
                op(LONGS, "mapMulti", s -> s.mapMulti((i, sink) -> sink.accept(-i))),
                op(LONGS, "distinct", LongStream::distinct),
                op(LONGS, "sorted", LongStream::sorted),
                op(LONGS, "peek", s -> s.peek(i -> {})),
                op(LONGS, "limit", s -> s.limit(2)),
                op(LONGS, "skip", s -> s.skip(1)),
                op(LONGS, "takeWhile", s -> s.takeWhile(i -> i > 2)),
                op(LONGS, "dropWhile", s -> s.dropWhile(i -> i > 2)),
                op(LONGS, "asDoubleStream", LongStream::asDoubleStream),
                op(LONGS, "boxed", LongStream::boxed),
                op(DOUBLES, "filter", s -> s.filter(d -> d > 1)),
                op(DOUBLES, "map", s -> s.map(d -> -d)),
                op(DOUBLES, "mapToObj", s -> s.mapToObj(d -> "#" + d)),
                op(DOUBLES, "mapToInt", s -> s.mapToInt(d -> (int) -d)),
                op(DOUBLES, "mapToLong", s -> s.mapToLong(d -> (long) -d)),
                op(DOUBLES, "flatMap", s -> s.flatMap(d -> DoubleStream.of(d, -d))),
                op(DOUBLES, "mapMulti", s -> s.mapMulti((d, sink) -> sink.accept(-d))),
                op(DOUBLES, "distinct", DoubleStream::distinct),
                op(DOUBLES, "sorted", DoubleStream::sorted),
                op(DOUBLES, "peek", s -> s.peek(d -> {})),
                op(DOUBLES, "limit", s -> s.limit(2)),
                op(DOUBLES, "skip", s -> s.skip(1)),
                op(DOUBLES, "takeWhile", s -> s.takeWhile(d -> d > 2)),
                op(DOUBLES, "dropWhile", s -> s.dropWhile(d -> d > 2)),
                op(DOUBLES, "boxed", DoubleStream::boxed)));
    for (Kind<?> kind : KINDS) {
      all.addAll(baseIntermediateOperations(kind));
    }
    return all;
  }

  private static <S extends BaseStream<?, S>> List<Case<S>> baseIntermediateOperations(
      Kind<S> kind) {
    return List.of(
        op(kind, "sequential", BaseStream::sequential),
        op(kind, "parallel", BaseStream::parallel),
        op(kind, "unordered", BaseStream::unordered),
        op(kind, "onClose", s -> s.onClose(() -> {})));
  }

  /** Operations that leave closing to the caller (who drives the traversal, or asks a question). */
  static List<Case<?>> callerClosedOperations() {
    List<Case<?>> all = new ArrayList<>();
    for (Kind<?> kind : KINDS) {
      all.addAll(baseCallerClosedOperations(kind));
    }
    return all;
  }

  private static <S extends BaseStream<?, S>> List<Case<S>> baseCallerClosedOperations(
      Kind<S> kind) {
    return List.of(
        op(kind, "iterator", s -> collectEach(s.iterator()::forEachRemaining)),
        op(kind, "spliterator", s -> collectEach(s.spliterator()::forEachRemaining)),
        op(kind, "isParallel", BaseStream::isParallel));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("terminalOperations")
  void everyTerminalOperationClosesTheStreamOnceAndGivesTheJdkResult(Case<?> operation) {
    assertTerminalCloses(operation);
  }

  private static <S extends BaseStream<?, S>> void assertTerminalCloses(Case<S> operation) {
    AtomicInteger closes = new AtomicInteger();
    Object result = operation.op().apply(operation.kind().closing(closes::incrementAndGet));
    assertThat(closes).hasValue(1);
    assertThat(describe(result)).isEqualTo(describe(operation.onPlain()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("intermediateOperations")
  void everyIntermediateOperationGivesAStreamThatClosesItselfWithTheJdkElements(Case<?> operation) {
    assertIntermediateKeepsClosing(operation);
  }

  private static <S extends BaseStream<?, S>> void assertIntermediateKeepsClosing(
      Case<S> operation) {
    AtomicInteger closes = new AtomicInteger();
    Object derived = operation.op().apply(operation.kind().closing(closes::incrementAndGet));
    assertThat(derived)
        .isInstanceOfAny(
            ClosingStream.class,
            ClosingIntStream.class,
            ClosingLongStream.class,
            ClosingDoubleStream.class);
    assertThat(closes).hasValue(0);
    List<Object> elements = elementsOf((BaseStream<?, ?>) derived);
    assertThat(closes).hasValue(1);
    List<Object> expected = elementsOf((BaseStream<?, ?>) operation.onPlain());
    if (operation.operation().equals("parallel") || operation.operation().equals("unordered")) {
      assertThat(elements).containsExactlyInAnyOrderElementsOf(expected);
    } else {
      assertThat(elements).isEqualTo(expected);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("callerClosedOperations")
  void iteratorSpliteratorAndIsParallelLeaveClosingToTheCaller(Case<?> operation) {
    assertCallerCloses(operation);
  }

  private static <S extends BaseStream<?, S>> void assertCallerCloses(Case<S> operation) {
    AtomicInteger closes = new AtomicInteger();
    S stream = operation.kind().closing(closes::incrementAndGet);
    Object result = operation.op().apply(stream);
    assertThat(result).isEqualTo(operation.onPlain());
    assertThat(closes).hasValue(0);
    stream.close();
    stream.close();
    assertThat(closes).hasValue(1);
  }

  @Test
  void theTablesExerciseEveryMethodOfEveryWrapper() {
    List<Case<?>> all = new ArrayList<>();
    all.addAll(terminalOperations());
    all.addAll(intermediateOperations());
    all.addAll(callerClosedOperations());
    for (Kind<?> kind : KINDS) {
      Set<String> tested =
          all.stream()
              .filter(c -> c.kind().equals(kind))
              .map(Case::methodName)
              .collect(Collectors.toCollection(TreeSet::new));
      tested.add("close"); // iteratorSpliteratorAndIsParallelLeaveClosingToTheCaller
      Set<String> methods =
          Arrays.stream(kind.wrapper().getDeclaredMethods())
              .filter(m -> Modifier.isPublic(m.getModifiers()) && !m.isSynthetic())
              .map(Method::getName)
              .collect(Collectors.toCollection(TreeSet::new));
      assertThat(tested).as(kind.name()).isEqualTo(methods);
    }
  }

  @Test
  void theWrappersOverrideEveryMethodOfTheirInterfaceButGather() throws Exception {
    for (Kind<?> kind : KINDS) {
      for (Method method : kind.type().getMethods()) {
        if (Modifier.isStatic(method.getModifiers()) || method.getName().equals("gather")) {
          continue; // gather (JDK 24) cannot be overridden by code compiled for Java 21
        }
        Method implementation =
            kind.wrapper().getMethod(method.getName(), method.getParameterTypes());
        assertThat(implementation.getDeclaringClass())
            .as("%s.%s", kind.name(), method.getName())
            .isEqualTo(kind.wrapper());
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Close handlers and failures

  @Test
  void aChainOfIntermediateOperationsClosesTheSourceOnceAtItsTerminalOperation() {
    AtomicInteger closes = new AtomicInteger();
    AtomicInteger laterCloses = new AtomicInteger();
    long count =
        OBJECTS
            .closing(closes::incrementAndGet)
            .map(i -> i * 10)
            .onClose(laterCloses::incrementAndGet)
            .filter(i -> i > 10)
            .mapToInt(i -> i)
            .boxed()
            .limit(2)
            .count();
    assertThat(count).isEqualTo(2);
    assertThat(closes).hasValue(1);
    assertThat(laterCloses).hasValue(1);
  }

  @Test
  void aTerminalOperationThatThrowsClosesTheStreamToo() {
    AtomicInteger closes = new AtomicInteger();
    Stream<Integer> stream = OBJECTS.closing(closes::incrementAndGet);
    assertThatThrownBy(
            () ->
                stream.forEach(
                    i -> {
                      throw new IllegalStateException("consumer fails on " + i);
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("consumer fails on 3");
    assertThat(closes).hasValue(1);
  }

  @Test
  void aFailureToCloseIsSuppressedByTheFailureOfTheOperation() {
    Stream<Integer> stream =
        OBJECTS.closing(
            () -> {
              throw new IllegalArgumentException("close fails");
            });
    Throwable failure =
        catchThrowable(
            () ->
                stream.forEach(
                    i -> {
                      throw new IllegalStateException("consumer fails");
                    }));
    assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessage("consumer fails");
    assertThat(failure.getSuppressed())
        .singleElement()
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFailureToCloseAfterASuccessfulOperationIsThrown() {
    IntStream stream =
        INTS.closing(
            () -> {
              throw new IllegalArgumentException("close fails");
            });
    assertThatThrownBy(stream::sum)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("close fails");
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /** Runs {@code forEach} with an action that collects what it is given. */
  private static List<Object> collectEach(Consumer<Consumer<Object>> forEach) {
    List<Object> elements = new ArrayList<>();
    forEach.accept(elements::add);
    return elements;
  }

  /** The elements of a stream, boxed, read through the stream's own terminal operations. */
  private static List<Object> elementsOf(BaseStream<?, ?> stream) {
    List<?> elements =
        switch (stream) {
          case Stream<?> objects -> objects.toList();
          case IntStream ints -> ints.boxed().toList();
          case LongStream longs -> longs.boxed().toList();
          case DoubleStream doubles -> doubles.boxed().toList();
          default -> throw new AssertionError("not a stream kind: " + stream);
        };
    return Collections.unmodifiableList(elements);
  }

  /** A result as text, arrays and summary statistics (which lack equals) included. */
  private static String describe(Object result) {
    return Arrays.deepToString(new Object[] {result});
  }
}
