package dev.parmap.examples;

import dev.parmap.MapOptions;
import dev.parmap.Outcome;
import dev.parmap.Outcomes;
import dev.parmap.Pool;
import dev.parmap.policy.AdaptiveConcurrency;
import dev.parmap.policy.FailureBudget;
import dev.parmap.policy.RateLimit;
import dev.parmap.policy.Retry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * The code of the README's section "Resilience: timeouts, retries, rate limits, deadlines,
 * outcomes", compiled: a test checks that every Java block of that section appears here, line for
 * line. {@link #allPolicies()} holds the options of {@link FlakyHttpDemo}.
 */
public final class ResilienceExamples {

  private ResilienceExamples() {}

  /**
   * Every policy at once: the options of the flaky HTTP demo.
   *
   * @return the options
   */
  public static MapOptions allPolicies() {
    MapOptions options =
        MapOptions.builder()
            .timeout(Duration.ofMillis(500)) // per attempt; a retry gets a fresh one
            .retry(
                Retry.builder()
                    .maxAttempts(4) // 1 try + 3 retries, after waits of up to 50, 100, 200 ms
                    .backoff(Duration.ofMillis(50), Duration.ofMillis(400))
                    .retryOn(IOException.class, TimeoutException.class) // other failures: no retry
                    .build())
            .rateLimit(RateLimit.of(50, Duration.ofSeconds(1))) // one attempt start every 20 ms
            .maxConcurrency(8) // at most 8 items of this call at once
            .deadline(Duration.ofSeconds(20)) // the whole call, retries and backoff included
            .build();
    return options;
  }

  /**
   * One call under {@code options} that reports every item instead of failing fast: prints each
   * failure, then the pages fetched.
   *
   * @param urls the items; {@link #fetch} fails on those that start with {@code http://}
   * @param options the policies
   */
  public static void outcomes(List<String> urls, MapOptions options) {
    try (Pool pool = Pool.virtual().with(options)) {
      Outcomes<String, String> outcomes = pool.mapOutcomes(urls, url -> fetch(url));
      for (Outcome.Failure<String, String> failure : outcomes.failures()) {
        System.out.println(
            failure.item() + ": " + failure.attempts() + " attempts, " + failure.cause());
      }
      List<String> pages = outcomes.successes().stream().map(Outcome.Success::result).toList();
      System.out.println(pages);
    }
  }

  /**
   * One policy each, as the README shows them.
   *
   * @return the values, in the README's order
   */
  public static List<Object> onePolicyEach() {
    MapOptions perAttempt = MapOptions.builder().timeout(Duration.ofSeconds(2)).build();

    Retry retry =
        Retry.builder()
            .maxAttempts(4) // 1 try + 3 retries
            .backoff(Duration.ofMillis(100), Duration.ofSeconds(5)) // up to 100, 200, 400 ms
            .retryOn(IOException.class, TimeoutException.class) // anything else fails at once
            .build();

    RateLimit limit = RateLimit.of(50, Duration.ofSeconds(1)); // one start every 20 ms

    MapOptions withinAMinute = MapOptions.builder().deadline(Duration.ofMinutes(1)).build();

    MapOptions eightAtOnce = MapOptions.builder().maxConcurrency(8).build();

    MapOptions patient = MapOptions.builder().cancellationGrace(Duration.ofSeconds(5)).build();

    Retry asTheServerSays =
        Retry.builder()
            .maxAttempts(5)
            .retryOn(HttpStatusException.class)
            .delayFrom(e -> e instanceof HttpStatusException h ? h.retryAfter() : Optional.empty())
            .build();

    AdaptiveConcurrency asMuchAsTheServerTakes =
        AdaptiveConcurrency.builder()
            .initial(4) // start low; grow while answers come back as fast as before
            .max(200) // never more at once
            .overloadIf(e -> e instanceof HttpStatusException h && h.status() == 503)
            .build();

    RateLimit forEveryCall = RateLimit.of(50, Duration.ofSeconds(1)).shared(); // one budget

    MapOptions giveUpEarly =
        MapOptions.builder().failureBudget(FailureBudget.maxRatio(0.2, 100)).build();

    return List.of(
        perAttempt,
        retry,
        limit,
        withinAMinute,
        eightAtOnce,
        patient,
        asTheServerSays,
        asMuchAsTheServerTakes,
        forEveryCall,
        giveUpEarly);
  }

  /** An HTTP error status, and the server's {@code Retry-After} if it sent one. */
  public static final class HttpStatusException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final long retryAfterSeconds; // -1: none

    /**
     * @param status the HTTP status, e.g. 429
     * @param retryAfterSeconds the server's {@code Retry-After} in seconds, or -1 if it sent none
     */
    public HttpStatusException(int status, long retryAfterSeconds) {
      super("HTTP " + status);
      this.status = status;
      this.retryAfterSeconds = retryAfterSeconds;
    }

    /**
     * The HTTP status.
     *
     * @return e.g. 429
     */
    public int status() {
      return status;
    }

    /**
     * How long the server asked to wait before trying again.
     *
     * @return its {@code Retry-After}, if it sent one
     */
    public Optional<Duration> retryAfter() {
      return retryAfterSeconds < 0
          ? Optional.empty()
          : Optional.of(Duration.ofSeconds(retryAfterSeconds));
    }
  }

  /** Stands in for a blocking call such as an HTTP GET; refuses {@code http://} addresses. */
  static String fetch(String url) throws IOException, InterruptedException {
    Thread.sleep(Duration.ofMillis(10));
    if (url.startsWith("http://")) {
      throw new IOException("refused: " + url + " is not https");
    }
    return "<page of " + url + ">";
  }
}
