package dev.parmap.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parmap.DeadlineExceededException;
import dev.parmap.MapOptions;
import dev.parmap.Outcomes;
import dev.parmap.Pool;
import dev.parmap.TaskFailedException;
import dev.parmap.policy.RateLimit;
import dev.parmap.policy.Retry;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ParmapMetricsTest {

  private static final List<Integer> HUNDRED = IntStream.range(0, 100).boxed().toList();
  private static final long WAIT_SECONDS = 30; // generous: a loaded 2-core machine must not flake

  private final MeterRegistry registry = new SimpleMeterRegistry();

  /** The pools every promise is checked on, with the description the meters are tagged with. */
  static Stream<Arguments> pools() {
    return Stream.of(
        Arguments.of("Pool.virtual()", (Supplier<Pool>) Pool::virtual),
        Arguments.of("Pool.threads(2)", (Supplier<Pool>) () -> Pool.threads(2)));
  }

  private double count(String meter, String... tags) {
    return registry.get(meter).tags(tags).counter().count();
  }

  private Timer timer(String meter, String... tags) {
    return registry.get(meter).tags(tags).timer();
  }

  private double inFlight(String name) {
    return registry.get(ParmapMetrics.IN_FLIGHT).tag("name", name).gauge().value();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pools")
  void aScriptedRunWithFailuresAndRetriesGivesTheExpectedCounts(
      String description, Supplier<Pool> pools) {
    // Items 3, 13, 23... fail every attempt (3 attempts: 2 retries each); items 5, 15, 25... fail
    // their first attempt only (1 retry each, then a success).
    AtomicIntegerArray attempts = new AtomicIntegerArray(HUNDRED.size());
    MapOptions options =
        ParmapMetrics.on(registry, "scripted")
            .addTo(MapOptions.builder())
            .retry(Retry.builder().maxAttempts(3).backoff(Duration.ZERO, Duration.ZERO).build())
            .build();
    Outcomes<Integer, Integer> outcomes;
    try (Pool pool = pools.get().with(options)) {
      outcomes =
          pool.mapOutcomes(
              HUNDRED,
              i -> {
                int attempt = attempts.incrementAndGet(i);
                if (i % 10 == 3 || (i % 10 == 5 && attempt == 1)) {
                  throw new IOException("item " + i + ", attempt " + attempt);
                }
                return i;
              });
    }

    assertThat(outcomes.failures()).hasSize(10); // the script ran as written
    String[] tags = {"name", "scripted", "call", "Pool.mapOutcomes", "pool", description};
    assertThat(registry.find(ParmapMetrics.ITEMS).tags(tags).counters()).hasSize(2);
    assertThat(count(ParmapMetrics.ITEMS, append(tags, "outcome", "success"))).isEqualTo(90);
    assertThat(count(ParmapMetrics.ITEMS, append(tags, "outcome", "failure"))).isEqualTo(10);
    assertThat(count(ParmapMetrics.RETRIES, tags)).isEqualTo(30);
    Timer calls = timer(ParmapMetrics.CALLS, append(tags, "ending", "completed"));
    assertThat(calls.count()).isEqualTo(1);
    assertThat(calls.totalTime(TimeUnit.NANOSECONDS)).isPositive();
    Timer chunks = timer(ParmapMetrics.CHUNKS, tags);
    assertThat(chunks.count()).isBetween(1L, 100L);
    assertThat(chunks.totalTime(TimeUnit.NANOSECONDS)).isPositive();
    assertThat(inFlight("scripted")).isZero();
  }

  /** {@code tags} and one more tag. */
  private static String[] append(String[] tags, String key, String value) {
    String[] longer = Arrays.copyOf(tags, tags.length + 2);
    longer[tags.length] = key;
    longer[tags.length + 1] = value;
    return longer;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pools")
  void aCallThatFailsFastIsTimedAsFailedAndCountsItsFailure(
      String description, Supplier<Pool> pools) {
    MapOptions options = ParmapMetrics.on(registry).addTo(MapOptions.builder()).build();
    try (Pool pool = pools.get().with(options)) {
      assertThatThrownBy(
              () ->
                  pool.map(
                      HUNDRED,
                      i -> {
                        if (i == 0) {
                          throw new IOException("the first item fails");
                        }
                        return i;
                      }))
          .isInstanceOf(TaskFailedException.class);
    }

    String[] tags = {"name", "default", "call", "Pool.map", "pool", description};
    assertThat(timer(ParmapMetrics.CALLS, append(tags, "ending", "failed")).count()).isEqualTo(1);
    assertThat(registry.find(ParmapMetrics.CALLS).timers()).hasSize(1);
    assertThat(count(ParmapMetrics.ITEMS, append(tags, "outcome", "failure"))).isEqualTo(1);
    assertThat(inFlight("default")).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pools")
  void theGaugeCountsTheItemsRunningAndReturnsToZeroAfterTheCall(
      String description, Supplier<Pool> pools) throws Exception {
    int running = 2; // a chunk holds one item while the cost is unknown, and threads(2) runs two
    CountDownLatch started = new CountDownLatch(running);
    CountDownLatch release = new CountDownLatch(1);
    MapOptions options = ParmapMetrics.on(registry, "gauge").addTo(MapOptions.builder()).build();
    try (Pool pool = pools.get().with(options)) {
      CompletableFuture<List<Integer>> call =
          pool.mapAsync(
              List.of(1, 2),
              i -> {
                started.countDown();
                release.await();
                return i;
              });
      assertThat(started.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      double during = inFlight("gauge");
      release.countDown();
      assertThat(call.get(WAIT_SECONDS, TimeUnit.SECONDS)).containsExactly(1, 2);

      assertThat(during).isEqualTo(running);
      assertThat(inFlight("gauge")).isZero(); // every scope was closed before the call returned
    }
    assertThat(
            timer(
                    ParmapMetrics.CALLS,
                    "name",
                    "gauge",
                    "call",
                    "Pool.mapAsync",
                    "pool",
                    description,
                    "ending",
                    "completed")
                .count())
        .isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pools")
  void aStreamAbandonedWithLimitStillFinishesItsCallTimer(
      String description, Supplier<Pool> pools) {
    Iterable<Integer> endless = () -> Stream.iterate(0, i -> i + 1).iterator();
    MapOptions options = ParmapMetrics.on(registry, "stream").addTo(MapOptions.builder()).build();
    List<Integer> firstThree;
    try (Pool pool = pools.get().with(options)) {
      firstThree = pool.stream(endless, i -> i * 2).limit(3).toList();

      // The terminal operation closed the stream: the call has ended, before the pool closes.
      String[] tags = {"name", "stream", "call", "Pool.stream", "pool", description};
      assertThat(timer(ParmapMetrics.CALLS, append(tags, "ending", "cancelled")).count())
          .isEqualTo(1);
      assertThat(count(ParmapMetrics.ITEMS, append(tags, "outcome", "success")))
          .isGreaterThanOrEqualTo(3);
      assertThat(inFlight("stream")).isZero();
    }
    assertThat(firstThree).containsExactly(0, 2, 4);
  }

  @Test
  void aCallPastItsDeadlineIsTimedAsDeadlineExceeded() {
    CountDownLatch never = new CountDownLatch(1);
    MapOptions options =
        ParmapMetrics.on(registry)
            .addTo(MapOptions.builder())
            .deadline(Duration.ofMillis(50))
            .build();
    try (Pool pool = Pool.virtual().with(options)) {
      assertThatThrownBy(() -> pool.forEach(List.of(1, 2), i -> never.await()))
          .isInstanceOf(DeadlineExceededException.class);
    }

    assertThat(
            timer(
                    ParmapMetrics.CALLS,
                    "call",
                    "Pool.forEach",
                    "pool",
                    "Pool.virtual()",
                    "ending",
                    "deadline_exceeded")
                .count())
        .isEqualTo(1);
    assertThat(inFlight("default")).isZero();
  }

  @Test
  void callsAtTheSameTimeOnOneRecorderAddUp() throws Exception {
    MapOptions options = ParmapMetrics.on(registry).addTo(MapOptions.builder()).build();
    try (Pool pool = Pool.virtual().with(options)) {
      CompletableFuture<List<Integer>> first = pool.mapAsync(HUNDRED, i -> i);
      CompletableFuture<List<Integer>> second = pool.mapAsync(HUNDRED, i -> i);
      assertThat(first.get(WAIT_SECONDS, TimeUnit.SECONDS)).hasSize(100);
      assertThat(second.get(WAIT_SECONDS, TimeUnit.SECONDS)).hasSize(100);
    }

    assertThat(count(ParmapMetrics.ITEMS, "outcome", "success")).isEqualTo(200);
    assertThat(timer(ParmapMetrics.CALLS, "ending", "completed").count()).isEqualTo(2);
  }

  @Test
  void everyMeterIsTaggedWithFixedKeysOnly() {
    MapOptions options = ParmapMetrics.on(registry, "tags").addTo(MapOptions.builder()).build();
    try (Pool pool = Pool.threads(2).with(options)) {
      pool.map(HUNDRED, i -> i);
      pool.forEach(HUNDRED, i -> {});
    }

    List<Meter> meters = registry.getMeters();
    assertThat(meters).hasSizeGreaterThanOrEqualTo(5);
    assertThat(meters)
        .allSatisfy(
            meter ->
                assertThat(meter.getId().getTags())
                    .extracting(Tag::getKey)
                    .isSubsetOf("name", "call", "pool", "outcome", "ending")
                    .contains("name"));
    assertThat(meters)
        .flatExtracting(meter -> meter.getId().getTags())
        .extracting(Tag::getValue)
        .containsOnly(
            "tags",
            "Pool.map",
            "Pool.forEach",
            "Pool.threads(2)",
            "success",
            "failure",
            "completed");
  }

  @Test
  void asAListenerOnlyItRecordsTheCallsButNotTheGauge() throws Exception {
    ParmapMetrics metrics = ParmapMetrics.on(registry, "listener-only");
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (Pool pool = Pool.virtual().with(MapOptions.builder().listener(metrics).build())) {
      CompletableFuture<List<Integer>> call =
          pool.mapAsync(
              List.of(1),
              i -> {
                started.countDown();
                release.await();
                return i;
              });
      assertThat(started.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      double during = inFlight("listener-only");
      release.countDown();
      assertThat(call.get(WAIT_SECONDS, TimeUnit.SECONDS)).containsExactly(1);

      assertThat(during).isZero();
    }
    assertThat(count(ParmapMetrics.ITEMS, "outcome", "success")).isEqualTo(1);
  }

  @Test
  void addToSetsTheRecorderAsListenerAndAddsItAsLastPropagator() {
    ParmapMetrics metrics = ParmapMetrics.on(registry);
    ParmapMetrics other = ParmapMetrics.on(new SimpleMeterRegistry());
    MapOptions.Builder builder = MapOptions.builder().propagate(other);

    assertThat(metrics.addTo(builder)).isSameAs(builder);
    MapOptions options = builder.build();
    assertThat(options.listener()).containsSame(metrics);
    assertThat(options.propagators()).containsExactly(other, metrics);
  }

  @Test
  void theGaugeIsRegisteredAtOnceAndNamesAreChecked() {
    ParmapMetrics metrics = ParmapMetrics.on(registry, "fetch");

    assertThat(inFlight("fetch")).isZero();
    assertThat(metrics).hasToString("ParmapMetrics[fetch]");
    assertThat(ParmapMetrics.on(registry)).hasToString("ParmapMetrics[default]");
    assertThatThrownBy(() -> ParmapMetrics.on(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("registry must not be null");
    assertThatThrownBy(() -> ParmapMetrics.on(registry, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("name must not be null");
  }

  @Test
  void timeoutsAndRateLimitWaitsAreCounted() {
    MapOptions options =
        ParmapMetrics.on(registry, "policies")
            .addTo(
                MapOptions.builder()
                    .timeout(Duration.ofMillis(50))
                    // Starts 200 ms apart: items 3 and 4 come right after item 2, so they wait
                    // even if the machine stalls the thread for a while.
                    .rateLimit(RateLimit.of(1, Duration.ofMillis(200))))
            .build();
    try (Pool pool = Pool.threads(1).with(options)) {
      Outcomes<Integer, Integer> outcomes =
          pool.mapOutcomes(
              List.of(0, 1, 2, 3, 4),
              i -> {
                if (i < 2) {
                  new CountDownLatch(1).await(WAIT_SECONDS, TimeUnit.SECONDS); // until the timeout
                }
                return i;
              });
      assertThat(outcomes.failures()).hasSize(2);
    }
    assertThat(count(ParmapMetrics.TIMEOUTS, "name", "policies")).isEqualTo(2);
    assertThat(count(ParmapMetrics.RATE_LIMIT_WAITS, "name", "policies"))
        .as("starts after the first one, one item at a time, some within 200 ms of the last")
        .isBetween(1.0, 4.0);
  }
}
