package dev.parmap.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.parmap.MapOptions;
import dev.parmap.Outcome;
import dev.parmap.Outcomes;
import dev.parmap.Pool;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.IntStream;

/**
 * parmap's resilience policies against a flaky HTTP service: a per-attempt timeout, retries with
 * backoff, a rate limit, a concurrency limit and a deadline, with {@link Pool#mapOutcomes} to get
 * one {@link Outcome} per item instead of failing fast.
 *
 * <p>The service is a {@link HttpServer} of the JDK on an ephemeral port of the loopback interface,
 * started and stopped by {@link #run}. Its endpoint {@code /item/{n}} is flaky in a way that
 * depends on the seed alone: {@link #script} shuffles a fixed mix of {@link Behaviour}s over the
 * {@value #ITEMS} items with {@code new Random(seed)}, and the server answers each request by its
 * item's behaviour and the number of requests it has seen for that item. Since parmap runs the
 * attempts of an item one after the other, how many attempts each item takes, and how it ends, are
 * the same on every run with the same seed (unless an answer takes longer than the timeout, on a
 * very busy machine); only the times vary.
 *
 * <p>Usage: {@code ./build demo flaky [SEED]} (the seed defaults to {@value #DEFAULT_SEED}).
 */
public final class FlakyHttpDemo {

  /** The seed used when none is given. */
  public static final long DEFAULT_SEED = 42;

  /** The number of items, 0 to 39, each fetched from {@code /item/{n}}. */
  public static final int ITEMS = 40;

  /** The per-attempt timeout of {@link #main}, that of {@link ResilienceExamples#allPolicies()}. */
  public static final Duration TIMEOUT = Duration.ofMillis(500);

  /** The most attempts per item, the first one included, as in {@link #options}. */
  public static final int MAX_ATTEMPTS = 4;

  /**
   * The HTTP client's own timeout per request: a safety net for code that calls {@link #fetch}
   * without parmap's timeout. It is longer than the deadline of {@link #options} (20 s), so that in
   * the demo only parmap's timeout can end a hanging attempt.
   */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /**
   * How long the server holds a hanging request: until it is stopped, which interrupts the wait, or
   * at most this long.
   */
  static final Duration HANG = Duration.ofSeconds(60);

  private FlakyHttpDemo() {}

  /** What the server does with the requests for one item. */
  public enum Behaviour {
    /** Answers 200 at once. */
    OK("answers at once", 0, true),
    /** Answers 503 to the first request, then 200: recovers on the 2nd attempt. */
    FAIL_ONCE("503 on the 1st attempt", 1, true),
    /** Answers 503 to the first two requests, then 200: recovers on the 3rd attempt. */
    FAIL_TWICE("503 on the 1st and 2nd", 2, true),
    /**
     * Holds the first request without answering (longer than the timeout), then answers 200 at
     * once: recovers on the 2nd attempt, once the timeout has ended the first one.
     */
    HANG_FIRST("hangs on the 1st attempt", 1, true),
    /** Always answers 503, which is retried: fails after {@link #MAX_ATTEMPTS} attempts. */
    ALWAYS_503("always 503 (retried)", MAX_ATTEMPTS, false),
    /** Always answers 500, which is not retried: fails after 1 attempt. */
    ALWAYS_500("always 500 (not retried)", 0, false);

    private final String description;
    private final int badAttempts;
    private final boolean recovers;

    Behaviour(String description, int badAttempts, boolean recovers) {
      this.description = description;
      this.badAttempts = badAttempts;
      this.recovers = recovers;
    }

    /**
     * How many attempts an item with this behaviour takes under the demo's options.
     *
     * @return the attempts of its outcome
     */
    public int expectedAttempts() {
      return this == ALWAYS_500 ? 1 : recovers ? badAttempts + 1 : MAX_ATTEMPTS;
    }

    /**
     * Whether an item with this behaviour ends as a success under the demo's options.
     *
     * @return {@code true} if a later attempt succeeds
     */
    public boolean recovers() {
      return recovers;
    }

    /**
     * A few words on what the server does.
     *
     * @return the description
     */
    public String description() {
      return description;
    }
  }

  /** How many items of the {@value #ITEMS} get each behaviour; {@link #script} shuffles them. */
  private static final Map<Behaviour, Integer> MIX = mix();

  private static Map<Behaviour, Integer> mix() {
    Map<Behaviour, Integer> mix = new EnumMap<>(Behaviour.class);
    mix.put(Behaviour.OK, 20);
    mix.put(Behaviour.FAIL_ONCE, 8);
    mix.put(Behaviour.FAIL_TWICE, 4);
    mix.put(Behaviour.HANG_FIRST, 4);
    mix.put(Behaviour.ALWAYS_503, 2);
    mix.put(Behaviour.ALWAYS_500, 2);
    return Collections.unmodifiableMap(mix);
  }

  /**
   * Which item behaves how, for {@code seed}: a fixed mix (20 {@code OK}, 8 {@code FAIL_ONCE}, 4
   * {@code FAIL_TWICE}, 4 {@code HANG_FIRST}, 2 {@code ALWAYS_503}, 2 {@code ALWAYS_500}) shuffled
   * by {@code new Random(seed)}.
   *
   * @param seed the seed
   * @return the behaviour of item {@code n} at position {@code n}; {@value #ITEMS} of them
   */
  public static List<Behaviour> script(long seed) {
    List<Behaviour> script = new ArrayList<>(ITEMS);
    MIX.forEach((behaviour, count) -> script.addAll(Collections.nCopies(count, behaviour)));
    Collections.shuffle(script, new Random(seed));
    return List.copyOf(script);
  }

  /**
   * The options of the demo: those the README shows, {@link ResilienceExamples#allPolicies()}
   * (timeout 500 ms per attempt; up to {@value #MAX_ATTEMPTS} attempts on an {@link IOException},
   * such as a 503, or a {@link TimeoutException}, with a backoff of 50 ms doubling up to 400 ms; 50
   * attempt starts per second; 8 items at once; a deadline of 20 s), with another timeout.
   *
   * @param timeout the per-attempt timeout; {@link #TIMEOUT} in {@link #main}
   * @return the options
   */
  public static MapOptions options(Duration timeout) {
    return ResilienceExamples.allPolicies().toBuilder().timeout(timeout).build();
  }

  /**
   * The service answered 503 Service Unavailable: an {@link IOException}, which the demo's retry
   * policy retries.
   */
  public static final class ServiceUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;

    ServiceUnavailableException(URI uri) {
      super("HTTP 503 Service Unavailable from " + uri.getPath());
    }
  }

  /**
   * The service answered with an error status other than 503: not an {@link IOException}, so the
   * demo's retry policy does not retry it.
   */
  public static final class ServerErrorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    ServerErrorException(URI uri, int status) {
      super("HTTP " + status + " from " + uri.getPath());
      this.status = status;
    }

    /**
     * The status the service answered with.
     *
     * @return the HTTP status code
     */
    public int status() {
      return status;
    }
  }

  /**
   * What one run of the demo gave.
   *
   * @param seed the seed of the server's script
   * @param script the behaviour of each item, by index
   * @param outcomes the outcome of each item, by index
   * @param options the options of the call
   * @param requests the requests the server received for each item, by index
   * @param starts when the attempts started, as the task saw it (System.nanoTime), in order
   * @param elapsed how long the {@code mapOutcomes} call took
   */
  public record Report(
      long seed,
      List<Behaviour> script,
      Outcomes<Integer, String> outcomes,
      MapOptions options,
      List<Integer> requests,
      List<Long> starts,
      Duration elapsed) {

    /**
     * The demo's printout: a summary, the outcomes by scripted behaviour, each failure.
     *
     * @return lines of text
     */
    public List<String> lines() {
      List<Outcome<Integer, String>> all = outcomes.all();
      List<String> lines = new ArrayList<>();
      long succeeded = all.stream().filter(Outcome::isSuccess).count();
      long retried = all.stream().filter(o -> o.attempts() > 1).count();
      long recovered = all.stream().filter(o -> o.isSuccess() && o.attempts() > 1).count();
      lines.add(
          String.format(
              Locale.ROOT,
              "%d items in %s: %d succeeded (%d after retries), %d failed; %d items retried",
              all.size(),
              seconds(elapsed),
              succeeded,
              recovered,
              all.size() - succeeded,
              retried));
      SortedMap<Integer, Integer> distribution = new TreeMap<>();
      all.forEach(o -> distribution.merge(o.attempts(), 1, Integer::sum));
      List<String> perCount = new ArrayList<>();
      distribution.forEach((n, count) -> perCount.add(n + " for " + count));
      int total = all.stream().mapToInt(Outcome::attempts).sum();
      int served = requests.stream().mapToInt(Integer::intValue).sum();
      lines.add(
          "attempts: "
              + String.join(", ", perCount)
              + " items ("
              + total
              + " in all; the server received "
              + served
              + " requests)");
      lines.add(spacingLine());
      List<String> hung = new ArrayList<>();
      for (Outcome<Integer, String> outcome : all) {
        if (script.get((int) outcome.index()) == Behaviour.HANG_FIRST) {
          hung.add("#" + outcome.index() + " " + seconds(outcome.duration()));
        }
      }
      lines.add(
          "items that hung: "
              + String.join(", ", hung)
              + " (the "
              + seconds(options.timeout().orElseThrow())
              + " timeout, a backoff, the rate limit, a 2nd attempt)");
      lines.add("");
      lines.add("scripted behaviour           items  succeeded  attempts");
      for (Behaviour behaviour : Behaviour.values()) {
        TreeSet<Integer> attemptCounts = new TreeSet<>();
        int items = 0;
        int ok = 0;
        for (Outcome<Integer, String> outcome : all) {
          if (script.get((int) outcome.index()) == behaviour) {
            items++;
            ok += outcome.isSuccess() ? 1 : 0;
            attemptCounts.add(outcome.attempts());
          }
        }
        String counts = attemptCounts.toString();
        lines.add(
            String.format(
                Locale.ROOT,
                "%-28s %5d %10d  %s",
                behaviour.description(),
                items,
                ok,
                counts.substring(1, counts.length() - 1)));
      }
      lines.add("");
      lines.add("failures:");
      for (Outcome.Failure<Integer, String> failure : outcomes.failures()) {
        lines.add(
            String.format(
                Locale.ROOT,
                "  #%-3d after %d attempt%s: %s",
                failure.index(),
                failure.attempts(),
                failure.attempts() == 1 ? " " : "s",
                failure.cause().getClass().getSimpleName() + ": " + failure.cause().getMessage()));
      }
      return lines;
    }

    private String spacingLine() {
      String line = "attempt starts: " + starts.size();
      if (starts.size() < 2) {
        return line;
      }
      long span = starts.get(starts.size() - 1) - starts.get(0);
      String spacing =
          line
              + String.format(
                  Locale.ROOT,
                  " in %s, one every %.1f ms on average",
                  seconds(Duration.ofNanos(span)),
                  span / 1e6 / (starts.size() - 1));
      return options
          .rateLimit()
          .map(
              limit ->
                  spacing
                      + " (rate limit: one every "
                      + limit.period().dividedBy(limit.permits()).toMillis()
                      + " ms)")
          .orElse(spacing);
    }
  }

  /**
   * Runs the demo: prints the seed, runs {@link #run} and prints its report.
   *
   * @param args an optional seed (a long); {@value #DEFAULT_SEED} by default
   * @throws IOException if the local server cannot start
   */
  public static void main(String[] args) throws IOException {
    long seed = args.length > 0 ? Long.parseLong(args[0]) : DEFAULT_SEED;
    System.out.println(
        "seed "
            + seed
            + " (./build demo flaky SEED for another); "
            + ITEMS
            + " items, GET http://127.0.0.1:<port>/item/{n}");
    System.out.println(options(TIMEOUT));
    System.out.println();
    Report report = run(seed, TIMEOUT);
    report.lines().forEach(System.out::println);
  }

  /**
   * Starts the flaky server, fetches the {@value #ITEMS} items through {@code
   * Pool.virtual().with(options(timeout))} and {@link Pool#mapOutcomes}, and stops the server. When
   * it returns, the pool is closed, the HTTP client is closed and the server and its handler
   * threads have stopped.
   *
   * @param seed the seed of the server's script
   * @param timeout the per-attempt timeout
   * @return the outcomes and what the server saw
   * @throws IOException if the server cannot start
   */
  public static Report run(long seed, Duration timeout) throws IOException {
    List<Behaviour> script = script(seed);
    MapOptions options = options(timeout);
    List<Integer> items = IntStream.range(0, ITEMS).boxed().toList();
    ConcurrentLinkedQueue<Long> starts = new ConcurrentLinkedQueue<>();
    // Closed in reverse order: the pool (idle by then), the server (which ends the hanging
    // requests), then the client.
    try (HttpClient client =
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        FlakyServer server = FlakyServer.start(script);
        Pool pool = Pool.virtual().with(options)) {
      // Loads the HTTP classes and opens a connection, so that no item's first attempt spends
      // its timeout on them.
      fetch(client, server.uri("/warm-up"));
      long start = System.nanoTime();
      Outcomes<Integer, String> outcomes =
          pool.mapOutcomes(
              items,
              n -> {
                starts.add(System.nanoTime()); // after the rate limit's wait: the attempt's start
                return fetch(client, server.uri("/item/" + n));
              });
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      List<Long> sortedStarts = new ArrayList<>(starts);
      Collections.sort(sortedStarts);
      return new Report(
          seed, script, outcomes, options, server.requests(), List.copyOf(sortedStarts), elapsed);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while warming up", e);
    }
  }

  /**
   * GETs {@code uri}: returns the body of a 200, throws {@link ServiceUnavailableException} (an
   * {@link IOException}) for a 503 and {@link ServerErrorException} for any other status.
   *
   * @param client the client
   * @param uri what to get
   * @return the body
   * @throws IOException for a 503 or an I/O failure
   * @throws InterruptedException if interrupted (by parmap's timeout, for instance) while waiting
   */
  static String fetch(HttpClient client, URI uri) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build();
    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
    return switch (response.statusCode()) {
      case 200 -> response.body();
      case 503 -> throw new ServiceUnavailableException(uri);
      default -> throw new ServerErrorException(uri, response.statusCode());
    };
  }

  /**
   * The flaky service: answers {@code /item/{n}} as item {@code n}'s behaviour says, counting the
   * requests per item, and {@code /warm-up} with 200. Handlers run on virtual threads.
   */
  private static final class FlakyServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService handlers;
    private final List<Behaviour> script;
    private final AtomicIntegerArray requests;

    private FlakyServer(HttpServer server, ExecutorService handlers, List<Behaviour> script) {
      this.server = server;
      this.handlers = handlers;
      this.script = script;
      this.requests = new AtomicIntegerArray(script.size());
    }

    static FlakyServer start(List<Behaviour> script) throws IOException {
      // Port 0: an ephemeral port; the loopback address: reachable from this machine only.
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
      FlakyServer flaky = new FlakyServer(server, handlers, script);
      server.setExecutor(handlers);
      server.createContext("/item/", flaky::handleItem);
      server.createContext("/warm-up", exchange -> respond(exchange, 200, "warm"));
      server.start();
      return flaky;
    }

    URI uri(String path) {
      InetSocketAddress address = server.getAddress();
      return URI.create(
          "http://" + address.getAddress().getHostAddress() + ":" + address.getPort() + path);
    }

    List<Integer> requests() {
      List<Integer> counts = new ArrayList<>(requests.length());
      for (int i = 0; i < requests.length(); i++) {
        counts.add(requests.get(i));
      }
      return List.copyOf(counts);
    }

    private void handleItem(HttpExchange exchange) throws IOException {
      int n;
      try {
        n = Integer.parseInt(exchange.getRequestURI().getPath().substring("/item/".length()));
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 0 || n >= script.size()) {
        respond(exchange, 404, "no such item");
        return;
      }
      int attempt = requests.incrementAndGet(n);
      Behaviour behaviour = script.get(n);
      switch (behaviour) {
        case OK -> respond(exchange, 200, "item " + n);
        case FAIL_ONCE, FAIL_TWICE, ALWAYS_503 ->
            respond(exchange, attempt <= behaviour.badAttempts ? 503 : 200, "item " + n);
        case HANG_FIRST -> {
          if (attempt == 1) {
            hang(exchange);
          } else {
            respond(exchange, 200, "item " + n);
          }
        }
        case ALWAYS_500 -> respond(exchange, 500, "item " + n);
      }
    }

    /** Holds the request unanswered until the server stops (or {@link #HANG} passes). */
    private static void hang(HttpExchange exchange) {
      try {
        Thread.sleep(HANG);
        respond(exchange, 200, "too late");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // the server is stopping: end the handler
        exchange.close();
      } catch (IOException e) {
        exchange.close(); // the client gave up long ago
      }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      try (exchange;
          OutputStream out = exchange.getResponseBody()) {
        exchange.sendResponseHeaders(status, bytes.length);
        out.write(bytes);
      }
    }

    /**
     * Stops accepting requests and closes the connections at once, then interrupts the handlers
     * still running (hanging ones) and waits until they have ended.
     */
    @Override
    public void close() {
      server.stop(0);
      handlers.shutdownNow();
      handlers.close();
    }
  }

  private static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.2f s", duration.toNanos() / 1e9);
  }
}
