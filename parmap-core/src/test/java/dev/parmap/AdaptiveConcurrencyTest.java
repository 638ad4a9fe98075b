package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parmap.engine.FakeTicker;
import dev.parmap.policy.AdaptiveConcurrency;
import dev.parmap.policy.RateLimit;
import dev.parmap.policy.Retry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Adaptive concurrency and shared limits through pools (issue 16). The AIMD rule itself is pinned
 * by AdaptiveLimiterTest, against a scripted server without threads or clocks.
 */
class AdaptiveConcurrencyTest {

  static List<PoolKind> pools() {
    return PoolKind.all();
  }

  /** Refused: the server had more requests at once than it can take. */
  static final class Overloaded extends Exception {
    private static final long serialVersionUID = 1L;

    Overloaded() {
      super("503: too many requests at once");
    }
  }

  /** A server that takes {@code capacity} requests at once, each for 2 ms, and refuses more. */
  static final class Server {
    final int capacity;
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();

    Server(int capacity) {
      this.capacity = capacity;
    }

    int handle(int item) throws Exception {
      requests.incrementAndGet();
      int now = inFlight.incrementAndGet();
      try {
        if (now > capacity) {
          refused.incrementAndGet();
          throw new Overloaded();
        }
        Thread.sleep(2); // the request's work
        return item;
      } finally {
        inFlight.decrementAndGet();
      }
    }
  }

  private static List<Integer> items(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  private static MapOptions retrying(MapOptions.Builder builder) {
    return builder
        .retry(
            Retry.builder()
                .maxAttempts(1000)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(5))
                .retryOn(Overloaded.class)
                .build())
        .build();
  }

  @Test
  void anAdaptiveCallSendsFarFewerRequestsThanAFixedOneThatIsTooHigh() {
    int n = 400;
    Server fixed = new Server(8);
    try (Pool pool = Pool.virtual(64).with(retrying(MapOptions.builder()))) {
      assertThat(pool.map(items(n), fixed::handle)).isEqualTo(items(n));
    }
    Server adaptive = new Server(8);
    AdaptiveConcurrency limit =
        AdaptiveConcurrency.builder()
            .initial(2)
            .max(64)
            .latencyTolerance(Double.POSITIVE_INFINITY) // the refusals are the signal here
            .overloadIf(e -> e instanceof Overloaded)
            .build();
    try (Pool pool =
        Pool.virtual(64).with(retrying(MapOptions.builder().adaptiveConcurrency(limit)))) {
      assertThat(pool.map(items(n), adaptive::handle)).isEqualTo(items(n));
    }
    assertThat(adaptive.refused.get())
        .as(
            "refusals: adaptive %d of %d requests, fixed at 64: %d of %d",
            adaptive.refused.get(),
            adaptive.requests.get(),
            fixed.refused.get(),
            fixed.requests.get())
        .isLessThan(fixed.refused.get() / 2);
  }

  @ParameterizedTest
  @MethodSource("pools")
  void aCallUnderAnAdaptiveLimitRunsEveryItemOnEveryPool(PoolKind kind) {
    Server server = new Server(3);
    AdaptiveConcurrency limit =
        AdaptiveConcurrency.builder()
            .initial(1)
            .max(16)
            .overloadIf(e -> e instanceof Overloaded)
            .build();
    try (Pool pool =
        kind.create(8).with(retrying(MapOptions.builder().adaptiveConcurrency(limit)))) {
      Outcomes<Integer, Integer> outcomes = pool.mapOutcomes(items(60), server::handle);
      assertThat(outcomes.all()).allSatisfy(o -> assertThat(o.isSuccess()).isTrue());
    }
  }

  @Test
  void aSharedAdaptiveLimitBoundsTwoConcurrentCallsTogether() throws Exception {
    AdaptiveConcurrency shared =
        AdaptiveConcurrency.builder().initial(3).min(3).max(3).build().shared();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    Task<Integer, Integer> task =
        i -> {
          int now = running.incrementAndGet();
          most.accumulateAndGet(now, Math::max);
          try {
            Thread.sleep(1); // the request's work
            return i;
          } finally {
            running.decrementAndGet();
          }
        };
    MapOptions options = MapOptions.builder().adaptiveConcurrency(shared).build();
    try (Pool first = Pool.virtual(16).with(options);
        Pool second = Pool.virtual(16).with(options)) {
      CompletableFuture<List<Integer>> a = first.mapAsync(items(200), task);
      CompletableFuture<List<Integer>> b = second.mapAsync(items(200), task);
      assertThat(a.get(60, TimeUnit.SECONDS)).isEqualTo(items(200));
      assertThat(b.get(60, TimeUnit.SECONDS)).isEqualTo(items(200));
    }
    assertThat(most.get()).as("attempts at once, both calls together").isBetween(1, 3);
  }

  @Test
  void aSharedRateLimitSpacesTheStartsOfTwoConcurrentCallsTogether() throws Exception {
    FakeTicker ticker = new FakeTicker(false); // the clock stands still: every start queues
    RateLimit shared = RateLimit.of(10, Duration.ofSeconds(1)).shared();
    MapOptions options = MapOptions.builder().rateLimit(shared).build();
    try (Pool first = Pool.virtual(4).clockedBy(ticker).with(options);
        Pool second = Pool.virtual(4).clockedBy(ticker).with(options)) {
      CompletableFuture<List<Integer>> a = first.mapAsync(items(20), i -> i);
      CompletableFuture<List<Integer>> b = second.mapAsync(items(20), i -> i);
      assertThat(a.get(60, TimeUnit.SECONDS)).isEqualTo(items(20));
      assertThat(b.get(60, TimeUnit.SECONDS)).isEqualTo(items(20));
    }
    Set<Long> slots = new TreeSet<>(ticker.wakeUps());
    slots.add(ticker.start()); // the first start does not wait
    long interval = Duration.ofMillis(100).toNanos();
    assertThat(slots).as("one slot per start, both calls together").hasSize(40);
    assertThat(slots).allSatisfy(slot -> assertThat((slot - ticker.start()) % interval).isZero());
  }

  @Test
  void limitsAreValuesUnlessShared() {
    AdaptiveConcurrency a = AdaptiveConcurrency.builder().initial(8).max(64).build();
    AdaptiveConcurrency b = AdaptiveConcurrency.builder().max(64).initial(8).build();
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a.toBuilder().build()).isEqualTo(a);
    assertThat(a)
        .hasToString(
            "AdaptiveConcurrency[initial=8, min=1, max=64, backoffRatio=0.9,"
                + " latencyTolerance=2.0, overloadIf=timeouts only]");
    AdaptiveConcurrency shared = a.shared();
    assertThat(shared.isShared()).isTrue();
    assertThat(shared).isNotEqualTo(a).isNotEqualTo(a.shared()).isEqualTo(shared);
    assertThat(shared.toString()).endsWith(", shared]");
    RateLimit rate = RateLimit.of(5, Duration.ofSeconds(1));
    assertThat(rate.shared()).isNotEqualTo(rate).isNotEqualTo(rate.shared());
    assertThat(rate.shared()).hasToString("RateLimit[5 per PT1S, shared]");
    assertThat(rate.isShared()).isFalse();
    assertThat(MapOptions.builder().adaptiveConcurrency(a).build())
        .isEqualTo(MapOptions.builder().adaptiveConcurrency(b).build());
  }

  @Test
  void badSettingsAreRefusedNamingTheSetting() {
    assertThatThrownBy(() -> AdaptiveConcurrency.builder().initial(0))
        .hasMessage("initial must be at least 1, but was 0");
    assertThatThrownBy(() -> AdaptiveConcurrency.builder().min(5).max(4).build())
        .hasMessage("min must not be greater than max, but min was 5 and max 4");
    assertThatThrownBy(() -> AdaptiveConcurrency.builder().initial(50).max(10).build())
        .hasMessage("initial must be between min and max (1..10), but was 50");
    assertThatThrownBy(() -> AdaptiveConcurrency.builder().backoffRatio(1))
        .hasMessageContaining("backoffRatio must be greater than 0 and less than 1");
    assertThatThrownBy(() -> AdaptiveConcurrency.builder().latencyTolerance(1))
        .hasMessageContaining("latencyTolerance must be greater than 1");
    assertThatThrownBy(() -> MapOptions.builder().adaptiveConcurrency(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("adaptiveConcurrency must not be null");
  }
}
