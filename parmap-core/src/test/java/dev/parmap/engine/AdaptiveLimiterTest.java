package dev.parmap.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parmap.policy.AdaptiveConcurrency;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The AIMD rule alone, against a scripted server in round trips (no threads, no clock): each round
 * starts as many requests as the limit lets in; the server answers the first {@code capacity} in 20
 * ms and the rest with an immediate overload (a 503).
 */
class AdaptiveLimiterTest {
  private static final long ANSWER_NANOS = 20_000_000;
  private static final long REFUSAL_NANOS = 1_000_000;

  /** Runs {@code rounds} round trips against a server of {@code capacity}; the limit after each. */
  private static List<Integer> run(AdaptiveLimiter limiter, int capacity, int rounds) {
    List<Integer> limits = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      int started = 0;
      while (limiter.tryAcquire()) {
        started++;
      }
      for (int i = 0; i < started; i++) {
        boolean refused = i >= capacity;
        limiter.release(refused ? REFUSAL_NANOS : ANSWER_NANOS, refused);
      }
      limits.add(limiter.limit());
    }
    return limits;
  }

  @Test
  void theLimitConvergesToWithinAQuarterOfTheServersCapacityAndStaysThere() {
    AdaptiveLimiter limiter =
        new AdaptiveLimiter(AdaptiveConcurrency.builder().initial(4).max(1000).build());
    List<Integer> limits = run(limiter, 50, 200);
    assertThat(limits.subList(0, 10))
        .as("slow start: the limit grows fast at first")
        .anySatisfy(limit -> assertThat(limit).isGreaterThanOrEqualTo(40));
    assertThat(limits.subList(20, 200))
        .as("after 20 round trips")
        .allSatisfy(limit -> assertThat(limit).isBetween(38, 62));
  }

  @Test
  void onACapacityDropTheLimitBacksOffWithinAFewRoundTrips() {
    AdaptiveLimiter limiter = new AdaptiveLimiter(AdaptiveConcurrency.builder().build());
    run(limiter, 50, 100);
    List<Integer> afterDrop = run(limiter, 20, 100);
    assertThat(afterDrop.get(0)).as("the first round trip after the drop").isLessThan(50);
    assertThat(afterDrop.subList(8, 100))
        .as("from the ninth round trip on")
        .allSatisfy(limit -> assertThat(limit).isBetween(15, 25));
  }

  @Test
  void theLimitStaysBetweenTheFloorAndTheCeiling() {
    AdaptiveLimiter capped =
        new AdaptiveLimiter(AdaptiveConcurrency.builder().initial(2).max(10).build());
    assertThat(run(capped, 1000, 50)).allSatisfy(limit -> assertThat(limit).isBetween(2, 10));
    assertThat(capped.limit()).isEqualTo(10);
    AdaptiveLimiter floored =
        new AdaptiveLimiter(AdaptiveConcurrency.builder().initial(8).min(3).build());
    assertThat(run(floored, 0, 50))
        .allSatisfy(limit -> assertThat(limit).isGreaterThanOrEqualTo(3));
    assertThat(floored.limit()).isEqualTo(3);
  }

  @Test
  void answersSlowerThanTheToleranceCountAsOverload() {
    AdaptiveLimiter limiter =
        new AdaptiveLimiter(AdaptiveConcurrency.builder().initial(10).latencyTolerance(2).build());
    for (int i = 0; i < 10; i++) {
      assertThat(limiter.tryAcquire()).isTrue();
    }
    limiter.release(ANSWER_NANOS, false); // the baseline: 20 ms
    int before = limiter.limit();
    limiter.release(3 * ANSWER_NANOS, false); // three times slower: the server queues
    assertThat(limiter.limit()).isLessThan(before);
  }

  @Test
  void aBurstOfOverloadAnswersCountsAsOneSignalPerRoundTrip() {
    AdaptiveLimiter limiter =
        new AdaptiveLimiter(AdaptiveConcurrency.builder().initial(100).max(100).build());
    for (int i = 0; i < 100; i++) {
      assertThat(limiter.tryAcquire()).isTrue();
    }
    for (int i = 0; i < 100; i++) {
      limiter.release(REFUSAL_NANOS, true);
    }
    assertThat(limiter.limit())
        .as("one decrease for the whole burst: halved, as it leaves slow start")
        .isEqualTo(50);
    for (int i = 0; i < 50; i++) {
      assertThat(limiter.tryAcquire()).isTrue();
    }
    for (int i = 0; i < 50; i++) {
      limiter.release(REFUSAL_NANOS, true);
    }
    assertThat(limiter.limit()).as("then the backoff ratio, once for the burst").isEqualTo(45);
  }

  @Test
  void anAttemptWaitsForRoomUnderTheLimit() throws Exception {
    AdaptiveLimiter limiter =
        new AdaptiveLimiter(AdaptiveConcurrency.builder().initial(1).max(1).build());
    limiter.acquire();
    assertThat(limiter.tryAcquire()).isFalse();
    Thread waiter =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    limiter.acquire();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    limiter.release(ANSWER_NANOS, false);
    waiter.join();
    assertThat(limiter.tryAcquire()).as("the waiter holds the only room").isFalse();
  }
}
