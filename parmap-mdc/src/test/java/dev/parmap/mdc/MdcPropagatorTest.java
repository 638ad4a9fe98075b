package dev.parmap.mdc;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.parmap.MapOptions;
import dev.parmap.Pool;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class MdcPropagatorTest {

  private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(MdcPropagatorTest.class);
  private static final List<Integer> ITEMS = IntStream.range(0, 20).boxed().toList();
  private static final MapOptions PROPAGATE =
      MapOptions.builder().propagate(new MdcPropagator()).build();

  /**
   * Keeps the events with the thread name and MDC of the moment they were logged: Logback reads
   * both lazily, on the thread that asks, unless an appender prepares the event for later.
   */
  private final ListAppender<ILoggingEvent> appender =
      new ListAppender<>() {
        @Override
        protected void append(ILoggingEvent event) {
          event.prepareForDeferredProcessing();
          super.append(event);
        }
      };

  private final Logger logger = (Logger) LoggerFactory.getLogger(MdcPropagatorTest.class);

  @BeforeEach
  void attachAppender() {
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void detachAppenderAndClearTheMdc() {
    logger.detachAppender(appender);
    MDC.clear();
  }

  /** The MDC of the current thread, empty rather than null. */
  private static Map<String, String> mdc() {
    Map<String, String> copy = MDC.getCopyOfContextMap();
    return copy != null ? copy : Map.of();
  }

  @Test
  void aTasksLogLinesCarryTheCallersMdc() {
    MDC.put("requestId", "r-42");
    try (Pool pool = Pool.virtual().with(PROPAGATE)) {
      pool.forEach(ITEMS, i -> LOG.info("item {}", i));
    }

    assertThat(appender.list).hasSize(ITEMS.size());
    assertThat(appender.list)
        .allSatisfy(
            e -> {
              assertThat(e.getThreadName()).startsWith("parmap-");
              assertThat(e.getMDCPropertyMap()).containsExactly(Map.entry("requestId", "r-42"));
            });
    assertThat(mdc()).containsExactly(Map.entry("requestId", "r-42")); // the caller's is unchanged
  }

  @Test
  void withoutThePropagatorTasksDoNotSeeTheCallersMdc() {
    MDC.put("requestId", "r-42");
    try (Pool pool = Pool.threads(2)) {
      pool.forEach(ITEMS, i -> LOG.info("item {}", i));
    }

    assertThat(appender.list)
        .hasSize(ITEMS.size())
        .allSatisfy(e -> assertThat(e.getMDCPropertyMap()).isEmpty());
  }

  @Test
  void aPoolThreadsMdcIsCleanAfterTheCall() {
    try (Pool pool = Pool.threads(1)) {
      MDC.put("requestId", "r-1");
      List<Map<String, String>> during = pool.with(PROPAGATE).map(ITEMS, i -> mdc());
      MDC.clear();
      List<Map<String, String>> after = pool.map(ITEMS, i -> mdc()); // same thread, no propagator

      assertThat(during)
          .allSatisfy(m -> assertThat(m).containsExactly(Map.entry("requestId", "r-1")));
      assertThat(after).allSatisfy(m -> assertThat(m).isEmpty());
    }
  }

  @Test
  void aPoolThreadsOwnMdcIsHiddenDuringTheCallAndRestoredAfterIt() {
    try (Pool pool = Pool.threads(1)) {
      pool.forEach(List.of(1), i -> MDC.put("worker", "w1")); // left on the pool thread on purpose

      MDC.put("requestId", "r-2");
      List<Map<String, String>> withCallersMdc = pool.with(PROPAGATE).map(ITEMS, i -> mdc());
      MDC.clear();
      List<Map<String, String>> withEmptyMdc = pool.with(PROPAGATE).map(ITEMS, i -> mdc());
      List<Map<String, String>> after = pool.map(List.of(1), i -> mdc());

      assertThat(withCallersMdc)
          .allSatisfy(m -> assertThat(m).containsExactly(Map.entry("requestId", "r-2")));
      assertThat(withEmptyMdc).allSatisfy(m -> assertThat(m).isEmpty());
      assertThat(after).containsExactly(Map.of("worker", "w1"));
    }
  }

  @Test
  void nestedCallsSeeTheOuterTasksMdcAndLeaveItAsItWas() {
    MDC.put("requestId", "outer");
    // One thread: the nested call runs its chunks on the outer task's own thread (it helps rather
    // than waiting), so the propagator applies and restores the MDC of a thread that has one.
    try (Pool pool = Pool.threads(1).with(PROPAGATE)) {
      List<List<Object>> seen =
          pool.map(
              List.of(1, 2, 3),
              i -> {
                MDC.put("item", String.valueOf(i));
                List<Map<String, String>> inner = pool.map(List.of("a", "b"), s -> mdc());
                return List.of(inner, mdc());
              });

      for (int i = 0; i < 3; i++) {
        Map<String, String> expected = Map.of("requestId", "outer", "item", String.valueOf(i + 1));
        assertThat(seen.get(i).get(0)).isEqualTo(List.of(expected, expected));
        assertThat(seen.get(i).get(1)).isEqualTo(expected); // the outer task's MDC, restored
      }
    }
    assertThat(mdc()).containsExactly(Map.entry("requestId", "outer"));
  }

  @Test
  void aTaskMayChangeItsMdcWithoutReachingTheCallerOrTheNextChunk() {
    MDC.put("requestId", "r-3");
    try (Pool pool = Pool.threads(1).with(PROPAGATE)) {
      List<Map<String, String>> seen =
          pool.map(
              ITEMS,
              i -> {
                Map<String, String> before = mdc();
                MDC.put("requestId", "changed-" + i);
                MDC.put("step", "x");
                return before;
              });

      // Items of one chunk share one apply, so a change is seen by the rest of its chunk only;
      // the first item of every chunk starts from the caller's MDC. Item 0 is a chunk's first.
      assertThat(seen.getFirst()).containsExactly(Map.entry("requestId", "r-3"));
    }
    assertThat(mdc()).containsExactly(Map.entry("requestId", "r-3"));
  }

  @Test
  void toStringNamesIt() {
    assertThat(new MdcPropagator()).hasToString("MdcPropagator");
  }
}
