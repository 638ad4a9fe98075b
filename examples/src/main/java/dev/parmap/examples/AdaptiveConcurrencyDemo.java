package dev.parmap.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.parmap.MapOptions;
import dev.parmap.Outcome;
import dev.parmap.Outcomes;
import dev.parmap.Pool;
import dev.parmap.examples.ResilienceExamples.HttpStatusException;
import dev.parmap.policy.AdaptiveConcurrency;
import dev.parmap.policy.Retry;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * {@link AdaptiveConcurrency} against a server of fixed capacity, beside fixed concurrency limits
 * that are too high, too low and exactly right (issue 16).
 *
 * <p>The server is a {@link HttpServer} of the JDK on an ephemeral port of the loopback interface,
 * one per run, started and stopped by {@link #runOne}. It takes {@link Scenario#capacity()}
 * requests at once, each for {@link Scenario#serviceTime()}; it answers 503 at once to a request
 * that finds the capacity full, and 429 with {@code Retry-After: 1} to a request that comes faster
 * than {@link Scenario#ratePerSecond()} (a token bucket holding {@link Scenario#burst()} requests).
 * That rate is twice what the capacity can serve: a client that keeps near the capacity never meets
 * it; one far above it (the too-high run's first burst, its storm of retries) does.
 *
 * <p>The client sends {@link Scenario#requests()} GETs four ways with the JDK's {@link HttpClient}
 * on {@code Pool.virtual()}, all with the same {@link #retry()} (a 503 or 429 is retried with
 * backoff, a {@code Retry-After} honoured): fixed concurrency {@link Scenario#tooHigh()}, fixed
 * {@link Scenario#tooLow()}, fixed at the capacity (the best fixed setting, which a real client
 * cannot know), and {@link #adaptive(Scenario)}. For each run it reports the time, the requests the
 * server received and its overload answers.
 *
 * <p>Usage: {@code ./build demo adaptive [CAPACITY [SERVICE_MS [REQUESTS]]]}, by default {@value
 * #DEFAULT_CAPACITY}, {@value #DEFAULT_SERVICE_MS} and {@value #DEFAULT_REQUESTS}.
 */
public final class AdaptiveConcurrencyDemo {

  /** The server's capacity when none is given: requests at once. */
  public static final int DEFAULT_CAPACITY = 50;

  /** The server's service time when none is given, in milliseconds. */
  public static final int DEFAULT_SERVICE_MS = 20;

  /** The requests of each run when none is given. */
  public static final int DEFAULT_REQUESTS = 2_000;

  /** What the server answers a request over its rate with, in seconds. */
  static final int RETRY_AFTER_SECONDS = 1;

  /** The HTTP client's own timeout per request: a safety net, never reached by a working run. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private AdaptiveConcurrencyDemo() {}

  /**
   * The server and the runs: a server of {@code capacity} requests at once, each served in {@code
   * serviceTime}, and {@code requests} GETs per run.
   *
   * @param capacity the requests the server takes at once, at least 1
   * @param serviceTime how long it takes to answer one, positive
   * @param requests the GETs of each run, at least 1
   */
  public record Scenario(int capacity, Duration serviceTime, int requests) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if one is out of range
     */
    public Scenario {
      if (capacity < 1 || requests < 1 || !serviceTime.isPositive()) {
        throw new IllegalArgumentException(
            "capacity and requests must be at least 1 and the service time positive, but were "
                + capacity
                + ", "
                + requests
                + " and "
                + serviceTime);
      }
    }

    /**
     * The figures: capacity {@value #DEFAULT_CAPACITY}, {@value #DEFAULT_SERVICE_MS} ms,
     * {@value #DEFAULT_REQUESTS} requests.
     *
     * @return the default scenario
     */
    public static Scenario defaults() {
      return new Scenario(
          DEFAULT_CAPACITY, Duration.ofMillis(DEFAULT_SERVICE_MS), DEFAULT_REQUESTS);
    }

    /**
     * The fixed concurrency that is too high: four times the capacity.
     *
     * @return {@code 4 * capacity}
     */
    public int tooHigh() {
      return 4 * capacity;
    }

    /**
     * The fixed concurrency that is too low: a fifth of the capacity.
     *
     * @return {@code capacity / 5}, at least 1
     */
    public int tooLow() {
      return Math.max(1, capacity / 5);
    }

    /**
     * The most answers a second the capacity allows.
     *
     * @return {@code capacity / serviceTime}, per second
     */
    public double servedPerSecond() {
      return capacity * 1e9 / serviceTime.toNanos();
    }

    /**
     * The rate above which the server answers 429: twice {@link #servedPerSecond()}.
     *
     * @return requests per second
     */
    public double ratePerSecond() {
      return 2 * servedPerSecond();
    }

    /**
     * The requests the server takes in one burst before the rate applies: twice the capacity.
     *
     * @return {@code 2 * capacity}
     */
    public int burst() {
      return 2 * capacity;
    }
  }

  /**
   * The retry of every run: up to 100 attempts, on a 503 or 429 ({@link HttpStatusException}); the
   * wait is the server's {@code Retry-After} if it sent one, else a backoff of 10 ms doubling up to
   * 200 ms, with jitter.
   *
   * @return the retry policy
   */
  public static Retry retry() {
    return Retry.builder()
        .maxAttempts(100)
        .backoff(Duration.ofMillis(10), Duration.ofMillis(200))
        .retryOn(HttpStatusException.class)
        .delayFrom(e -> e instanceof HttpStatusException h ? h.retryAfter() : Optional.empty())
        .build();
  }

  /**
   * The adaptive limit of the adaptive run: from 4 up to the too-high setting, a 503 or 429 is
   * overload; the library's defaults otherwise (backoff ratio 0.9, latency tolerance 2.0). The run
   * also sets {@code maxConcurrency} to the same ceiling: with {@code Pool.virtual()} and no {@code
   * maxConcurrency}, every item's task starts at once and waits for room under the limit, and on a
   * loaded 2-core machine those thousands of waiting tasks cost enough CPU to slow the answers,
   * which the limit then reads as overload.
   *
   * @param scenario the scenario, for the ceiling
   * @return the limit
   */
  public static AdaptiveConcurrency adaptive(Scenario scenario) {
    return AdaptiveConcurrency.builder()
        .initial(Math.min(4, scenario.tooHigh()))
        .max(scenario.tooHigh())
        .overloadIf(new OverloadStatus())
        .build();
  }

  /** A 503 or 429 answer: the server's own word that it is overloaded. */
  private record OverloadStatus() implements Predicate<Throwable> {
    @Override
    public boolean test(Throwable e) {
      return e instanceof HttpStatusException h && (h.status() == 503 || h.status() == 429);
    }

    @Override
    public String toString() {
      return "HTTP 503 or 429";
    }
  }

  /** How one run limits its concurrency. */
  public enum Kind {
    /** Fixed, four times the capacity. */
    TOO_HIGH,
    /** Fixed, a fifth of the capacity. */
    TOO_LOW,
    /** Fixed, the capacity: the best fixed setting. */
    AT_CAPACITY,
    /** {@link AdaptiveConcurrency}. */
    ADAPTIVE
  }

  /**
   * What one run gave, as the client and the server saw it.
   *
   * @param kind how the run limited its concurrency
   * @param label the run's name in the printout, e.g. {@code fixed 200 (too high)}
   * @param elapsed how long the {@code mapOutcomes} call took
   * @param succeeded the requests whose last attempt got a 200
   * @param failed the requests whose last attempt did not
   * @param requests the requests the server received, retries included
   * @param unavailable the server's 503 answers
   * @param tooMany the server's 429 answers
   * @param mostAtOnce the most attempts the client had in flight at once
   * @param meanAtOnce the attempts the client had in flight on average over the run: the time all
   *     attempts took together over the run's time
   */
  public record Run(
      Kind kind,
      String label,
      Duration elapsed,
      int succeeded,
      int failed,
      int requests,
      int unavailable,
      int tooMany,
      int mostAtOnce,
      double meanAtOnce) {

    /**
     * The 503 and 429 answers.
     *
     * @return {@code unavailable + tooMany}
     */
    public int overload() {
      return unavailable + tooMany;
    }

    /**
     * The overload answers as a share of the requests the server received.
     *
     * @return between 0 and 1
     */
    public double overloadShare() {
      return requests == 0 ? 0 : (double) overload() / requests;
    }
  }

  /**
   * The four runs of one scenario.
   *
   * @param scenario the server and the number of requests
   * @param runs too high, too low, at the capacity, adaptive, in that order
   * @param loadAverage the system load average over the last minute when the runs ended, or
   *     negative if the system does not tell
   * @param processors the processors available to the JVM
   */
  public record Report(Scenario scenario, List<Run> runs, double loadAverage, int processors) {

    /**
     * The run of {@code kind}.
     *
     * @param kind which run
     * @return that run
     */
    public Run run(Kind kind) {
      return runs.stream().filter(r -> r.kind() == kind).findFirst().orElseThrow();
    }

    /**
     * The time of the run of {@code kind} over that of the fixed run at the capacity.
     *
     * @param kind which run
     * @return the ratio
     */
    public double ratioToCapacity(Kind kind) {
      return (double) run(kind).elapsed().toNanos() / run(Kind.AT_CAPACITY).elapsed().toNanos();
    }

    /**
     * The demo's printout: the server, the client, a table of the runs, the goal of issue 16.
     *
     * @return lines of text
     */
    public List<String> lines() {
      List<String> lines = new ArrayList<>();
      lines.add(
          String.format(
              Locale.ROOT,
              "server: %d requests at once, %d ms each (at most %,.0f answers/s); 503 at once"
                  + " above %d in flight",
              scenario.capacity(),
              scenario.serviceTime().toMillis(),
              scenario.servedPerSecond(),
              scenario.capacity()));
      lines.add(
          String.format(
              Locale.ROOT,
              "        429 with Retry-After: %d above %,.0f requests/s (bursts of %d): twice what"
                  + " it can serve, met only far above the capacity",
              RETRY_AFTER_SECONDS,
              scenario.ratePerSecond(),
              scenario.burst()));
      lines.add(
          String.format(
              Locale.ROOT,
              "client: %,d GETs per run on Pool.virtual(), 503 and 429 retried (up to %d"
                  + " attempts, backoff 10 ms doubling to 200 ms, Retry-After honoured)",
              scenario.requests(),
              retry().maxAttempts()));
      lines.add(
          "adaptive: "
              + adaptive(scenario)
              + " and maxConcurrency "
              + scenario.tooHigh()
              + " (the same ceiling: it bounds the tasks waiting for the limit)");
      lines.add("");
      String capacityColumn = "vs fixed " + scenario.capacity();
      lines.add(
          String.format(
              Locale.ROOT,
              "%-26s %8s %9s %6s %6s %9s %15s %s",
              "run",
              "time",
              "requests",
              "503",
              "429",
              "overload",
              "at once (mean)",
              capacityColumn));
      for (Run run : runs) {
        lines.add(
            String.format(
                Locale.ROOT,
                "%-26s %6.2f s %9d %6d %6d %8.1f%% %7d (%5.1f) %" + capacityColumn.length() + "s",
                run.label(),
                run.elapsed().toNanos() / 1e9,
                run.requests(),
                run.unavailable(),
                run.tooMany(),
                100 * run.overloadShare(),
                run.mostAtOnce(),
                run.meanAtOnce(),
                String.format(Locale.ROOT, "%.2fx", ratioToCapacity(run.kind()))));
      }
      lines.add("");
      int failed = runs.stream().mapToInt(Run::failed).sum();
      lines.add(
          failed == 0
              ? String.format(
                  Locale.ROOT,
                  "every run: all %,d requests succeeded in the end",
                  scenario.requests())
              : "failed requests: " + failed + " (attempts ran out)");
      Run adaptive = run(Kind.ADAPTIVE);
      double ratio = ratioToCapacity(Kind.ADAPTIVE);
      lines.add(
          String.format(
              Locale.ROOT,
              "goal (issue 16): adaptive within 1.3x of fixed at the capacity: %.2fx (%s);"
                  + " at most 5%% overload answers: %.1f%% (%s); too high: %d overload answers",
              ratio,
              ratio <= 1.3 ? "met" : "missed",
              100 * adaptive.overloadShare(),
              adaptive.overloadShare() <= 0.05 ? "met" : "missed",
              run(Kind.TOO_HIGH).overload()));
      lines.add(
          loadAverage < 0
              ? processors + " processors, load average unknown"
              : String.format(
                  Locale.ROOT,
                  "%d processors, load average %.2f (1 min)%s",
                  processors,
                  loadAverage,
                  loadAverage > processors ? ": a loaded machine, the times are skewed" : ""));
      return lines;
    }
  }

  /**
   * Runs the demo: {@link #run} of the scenario in {@code args}, then its report.
   *
   * @param args optional capacity, service time in milliseconds and requests; by default {@value
   *     #DEFAULT_CAPACITY}, {@value #DEFAULT_SERVICE_MS} and {@value #DEFAULT_REQUESTS}
   * @throws IOException if a local server cannot start
   */
  public static void main(String[] args) throws IOException {
    Scenario scenario =
        new Scenario(
            args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_CAPACITY,
            Duration.ofMillis(args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_SERVICE_MS),
            args.length > 2 ? Integer.parseInt(args[2]) : DEFAULT_REQUESTS);
    System.out.println(
        "./build demo adaptive [CAPACITY [SERVICE_MS [REQUESTS]]]; a warm-up run first, not"
            + " counted");
    run(scenario).lines().forEach(System.out::println);
  }

  /**
   * Runs a warm-up (a tenth of the requests at the capacity, not reported), then the four runs,
   * each against a fresh server with a fresh HTTP client. When it returns, every pool, client and
   * server it started is closed.
   *
   * @param scenario the server and the number of requests
   * @return what the runs gave
   * @throws IOException if a server cannot start
   */
  public static Report run(Scenario scenario) throws IOException {
    Scenario warmUp =
        new Scenario(
            scenario.capacity(),
            scenario.serviceTime(),
            Math.max(1, Math.min(scenario.requests() / 10, 500)));
    runOne(warmUp, Kind.AT_CAPACITY);
    List<Run> runs = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      runs.add(runOne(scenario, kind));
    }
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return new Report(
        scenario, List.copyOf(runs), load, Runtime.getRuntime().availableProcessors());
  }

  /**
   * Starts a server, sends the scenario's requests the way {@code kind} says through {@link
   * Pool#mapOutcomes}, and stops the server.
   *
   * @param scenario the server and the number of requests
   * @param kind how to limit the concurrency
   * @return what the run gave
   * @throws IOException if the server cannot start
   */
  static Run runOne(Scenario scenario, Kind kind) throws IOException {
    MapOptions.Builder options = MapOptions.builder().retry(retry());
    String label =
        switch (kind) {
          case TOO_HIGH -> {
            options.maxConcurrency(scenario.tooHigh());
            yield "fixed " + scenario.tooHigh() + " (too high)";
          }
          case TOO_LOW -> {
            options.maxConcurrency(scenario.tooLow());
            yield "fixed " + scenario.tooLow() + " (too low)";
          }
          case AT_CAPACITY -> {
            options.maxConcurrency(scenario.capacity());
            yield "fixed " + scenario.capacity() + " (the capacity)";
          }
          case ADAPTIVE -> {
            // The ceiling again as maxConcurrency: without it Pool.virtual() starts every item
            // at once, and thousands of tasks waiting for the adaptive limit cost a loaded
            // 2-core machine enough CPU to slow the answers (see the docs' measurements).
            options.adaptiveConcurrency(adaptive(scenario)).maxConcurrency(scenario.tooHigh());
            yield "adaptive (4 up to " + scenario.tooHigh() + ")";
          }
        };
    List<Integer> items = IntStream.range(0, scenario.requests()).boxed().toList();
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    AtomicLong busyNanos = new AtomicLong();
    try (HttpClient client =
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        CapacityServer server = CapacityServer.start(scenario);
        Pool pool = Pool.virtual().with(options.build())) {
      long start = System.nanoTime();
      Outcomes<Integer, String> outcomes =
          pool.mapOutcomes(
              items,
              n -> {
                mostAtOnce.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                long sent = System.nanoTime();
                try {
                  return fetch(client, server.uri("/item/" + n));
                } finally {
                  busyNanos.addAndGet(System.nanoTime() - sent);
                  inFlight.decrementAndGet();
                }
              });
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      int succeeded = (int) outcomes.all().stream().filter(Outcome::isSuccess).count();
      return new Run(
          kind,
          label,
          elapsed,
          succeeded,
          outcomes.all().size() - succeeded,
          server.requests.get(),
          server.unavailable.get(),
          server.tooMany.get(),
          mostAtOnce.get(),
          (double) busyNanos.get() / elapsed.toNanos());
    }
  }

  /**
   * GETs {@code uri}: returns the body of a 200, throws {@link HttpStatusException} with the
   * server's {@code Retry-After} for any other status.
   *
   * @param client the client
   * @param uri what to get
   * @return the body
   * @throws IOException for an error status or an I/O failure
   * @throws InterruptedException if interrupted while waiting
   */
  static String fetch(HttpClient client, URI uri) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build();
    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() == 200) {
      return response.body();
    }
    long retryAfter = response.headers().firstValue("Retry-After").map(Long::parseLong).orElse(-1L);
    throw new HttpStatusException(response.statusCode(), retryAfter);
  }

  /**
   * Refuses requests faster than a rate: a token bucket of {@code burst} tokens refilled at {@code
   * ratePerSecond}. Thread-safe.
   */
  private static final class TokenBucket {
    private final double perNano;
    private final double burst;
    private double tokens;
    private long last = System.nanoTime();

    TokenBucket(double ratePerSecond, int burst) {
      this.perNano = ratePerSecond / 1e9;
      this.burst = burst;
      this.tokens = burst;
    }

    synchronized boolean tryTake() {
      long now = System.nanoTime();
      tokens = Math.min(burst, tokens + (now - last) * perNano);
      last = now;
      if (tokens < 1) {
        return false;
      }
      tokens -= 1;
      return true;
    }
  }

  /**
   * The server of fixed capacity: {@code /item/{n}} answers 429 over the rate, 503 over the
   * capacity, else 200 after the service time. Handlers run on virtual threads.
   */
  private static final class CapacityServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService handlers;
    private final int capacity;
    private final Duration serviceTime;
    private final TokenBucket bucket;
    private final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger unavailable = new AtomicInteger();
    final AtomicInteger tooMany = new AtomicInteger();

    private CapacityServer(HttpServer server, ExecutorService handlers, Scenario scenario) {
      this.server = server;
      this.handlers = handlers;
      this.capacity = scenario.capacity();
      this.serviceTime = scenario.serviceTime();
      this.bucket = new TokenBucket(scenario.ratePerSecond(), scenario.burst());
    }

    static CapacityServer start(Scenario scenario) throws IOException {
      // Port 0: an ephemeral port; the loopback address: reachable from this machine only. A long
      // backlog: the too-high run opens hundreds of connections at once.
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
      ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
      CapacityServer capacityServer = new CapacityServer(server, handlers, scenario);
      server.setExecutor(handlers);
      server.createContext("/item/", capacityServer::handle);
      server.start();
      return capacityServer;
    }

    URI uri(String path) {
      InetSocketAddress address = server.getAddress();
      return URI.create(
          "http://" + address.getAddress().getHostAddress() + ":" + address.getPort() + path);
    }

    private void handle(HttpExchange exchange) throws IOException {
      requests.incrementAndGet();
      if (!bucket.tryTake()) {
        tooMany.incrementAndGet();
        exchange.getResponseHeaders().set("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        respond(exchange, 429, "too many requests");
        return;
      }
      if (inFlight.incrementAndGet() > capacity) {
        inFlight.decrementAndGet();
        unavailable.incrementAndGet();
        respond(exchange, 503, "over capacity");
        return;
      }
      try {
        Thread.sleep(serviceTime); // the request's work
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // the server is stopping
        inFlight.decrementAndGet();
        exchange.close();
        return;
      }
      // Out of the count before the answer leaves: the client may send its next request at once.
      inFlight.decrementAndGet();
      respond(exchange, 200, "ok");
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      try (exchange;
          OutputStream out = exchange.getResponseBody()) {
        exchange.sendResponseHeaders(status, bytes.length);
        out.write(bytes);
      }
    }

    /** Stops the server and waits until its handlers have ended. */
    @Override
    public void close() {
      server.stop(0);
      handlers.shutdownNow();
      handlers.close();
    }
  }
}
