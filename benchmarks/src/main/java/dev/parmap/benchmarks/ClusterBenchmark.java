package dev.parmap.benchmarks;

import dev.parmap.hazelcast.ClusterConfig;
import dev.parmap.hazelcast.ClusterPool;
import dev.parmap.hazelcast.Worker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * parmap-hazelcast against the ideal, on worker JVMs on this machine, timed end to end by a client.
 * The items sleep rather than compute (a 2-core machine could not show scale with CPU work):
 *
 * <ol>
 *   <li><b>Latency-bound:</b> 1,000 items of 10 ms on 3 workers of 4 and of 8 threads, against
 *       items × 10 ms / the workers' threads. Goal: ≤ 1.10× ideal.
 *   <li><b>Scale:</b> 20,000 items of 1 ms on 3 workers against the same on 1 worker (4 threads
 *       each): the throughput ratio. Goal: ≥ 2.5× (ideal 3×): the window and the driver keep 3
 *       members busy.
 *   <li><b>Streaming:</b> 2,000,000 small items (an {@code int} doubled) streamed through 3 workers
 *       by a caller in a child JVM with {@code -Xmx256m}: the call's time per item, and that it
 *       fits in that heap.
 * </ol>
 *
 * <p>Not a JMH benchmark: each measurement is one call of about a second or more on other JVMs,
 * which JMH cannot warm or fork; a plain timed loop with warm-up rounds and the median of the
 * measured ones says what matters here. Each row states the 1-minute load average when it ended.
 * Run it with {@code ./build bench cluster} (packages the benchmarks jar quickly, runs this with
 * {@code --write}), or
 *
 * <pre>
 * ./mvnw -q -pl benchmarks -am package -Dmaven.test.skip=true -Dspotless.check.skip=true -Djacoco.skip=true
 * java -cp benchmarks/target/parmap-benchmarks.jar dev.parmap.benchmarks.ClusterBenchmark [--write]
 * </pre>
 *
 * <p>With {@code --write} it replaces its own section of {@code benchmarks/RESULTS.md} (between the
 * markers {@value #BEGIN} and {@value #END}), or appends one.
 */
public final class ClusterBenchmark {

  static final String BEGIN = "<!-- cluster-benchmark:begin -->";
  static final String END = "<!-- cluster-benchmark:end -->";

  private static final String STREAM_CALLER = "--stream-caller";
  private static final int MEMBERS = 3;
  private static final int ITEMS = 1_000;
  private static final long ITEM_MILLIS = 10;
  private static final int WARM_UP_ROUNDS = 3;
  private static final int MEASURED_ROUNDS = 7;
  private static final int[] THREADS_PER_MEMBER = {4, 8};
  private static final int SCALE_ITEMS = 20_000;
  private static final int SCALE_THREADS = 4;
  private static final int SCALE_ROUNDS = 3;
  private static final int STREAM_ITEMS = 2_000_000;

  private ClusterBenchmark() {}

  /**
   * Runs the benchmark and prints a Markdown section; {@code --write} also puts it in RESULTS.md.
   *
   * @param args {@code --write}, or nothing ({@value #STREAM_CALLER} is the child caller's mode)
   * @throws Exception if the workers cannot be started
   */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals(STREAM_CALLER)) {
      streamCaller(args);
      return;
    }
    boolean write = Arrays.asList(args).contains("--write");
    StringBuilder latency = new StringBuilder();
    latency.append(
        "| workers × threads | ideal | median | best | median / ideal"
            + " | measured work / threads | median / measured work | load |\n");
    latency.append("|---|---|---|---|---|---|---|---|\n");
    for (int threads : THREADS_PER_MEMBER) {
      try (Workers workers = Workers.start(MEMBERS, threads)) {
        latency.append(measureLatency(workers, threads)).append('\n');
      }
    }
    Timed one;
    try (Workers workers = Workers.start(1, SCALE_THREADS)) {
      one = measureScale(workers);
    }
    Timed three;
    String stream;
    try (Workers workers = Workers.start(MEMBERS, SCALE_THREADS)) {
      three = measureScale(workers);
      stream = measureStream(workers);
    }
    String section = section(latency.toString(), scaleTable(one, three), stream);
    System.out.println(section);
    if (write) {
      writeSection(Path.of("benchmarks", "RESULTS.md"), section);
    }
  }

  /** A measured time and the load average when it ended. */
  private record Timed(long nanos, String load) {}

  private static String measureLatency(Workers workers, int threads) throws Exception {
    try (ClusterPool pool = workers.client()) {
      List<Integer> items = IntStream.range(0, ITEMS).boxed().toList();
      for (int round = 0; round < WARM_UP_ROUNDS; round++) {
        run(pool, items, ITEM_MILLIS);
      }
      List<Round> rounds = new ArrayList<>();
      for (int round = 0; round < MEASURED_ROUNDS; round++) {
        rounds.add(run(pool, items, ITEM_MILLIS));
      }
      rounds.sort(java.util.Comparator.comparingLong(Round::nanos));
      int workerThreads = MEMBERS * threads;
      double ideal = ITEMS * ITEM_MILLIS / (double) workerThreads;
      Round median = rounds.get(MEASURED_ROUNDS / 2);
      double medianMillis = median.nanos() / 1e6;
      // The items' own measured time (a 10 ms sleep lasts longer on a busy machine) spread over
      // the threads: what is left above it is parmap's and Hazelcast's overhead.
      double workMillis = median.itemNanos() / 1e6 / workerThreads;
      return String.format(
          Locale.ROOT,
          "| %d × %d | %.0f ms | %.0f ms | %.0f ms | **%.2f×** | %.0f ms | %.2f× | %s |",
          MEMBERS,
          threads,
          ideal,
          medianMillis,
          rounds.get(0).nanos() / 1e6,
          medianMillis / ideal,
          workMillis,
          medianMillis / workMillis,
          loadAverage());
    }
  }

  /** The median of {@value #SCALE_ROUNDS} calls of 20,000 × 1 ms, after one warm-up call. */
  private static Timed measureScale(Workers workers) throws Exception {
    try (ClusterPool pool = workers.client()) {
      List<Integer> items = IntStream.range(0, SCALE_ITEMS).boxed().toList();
      run(pool, items, 1);
      long[] nanos = new long[SCALE_ROUNDS];
      for (int round = 0; round < SCALE_ROUNDS; round++) {
        nanos[round] = run(pool, items, 1).nanos();
      }
      Arrays.sort(nanos);
      return new Timed(nanos[SCALE_ROUNDS / 2], loadAverage());
    }
  }

  private static String scaleTable(Timed one, Timed three) {
    double idealOne = SCALE_ITEMS * 1.0 / SCALE_THREADS;
    double idealThree = idealOne / MEMBERS;
    return "| workers × threads | ideal | median | median / ideal | throughput | load |\n"
        + "|---|---|---|---|---|---|\n"
        + scaleRow(1, idealOne, one)
        + scaleRow(MEMBERS, idealThree, three)
        + String.format(
            Locale.ROOT,
            "\n3 workers against 1: **%.2f×** the throughput (ideal 3×, goal ≥ 2.5×).\n",
            (double) one.nanos() / three.nanos());
  }

  private static String scaleRow(int members, double idealMillis, Timed timed) {
    double millis = timed.nanos() / 1e6;
    return String.format(
        Locale.ROOT,
        "| %d × %d | %.0f ms | %.0f ms | **%.2f×** | %.0f items/s | %s |\n",
        members,
        SCALE_THREADS,
        idealMillis,
        millis,
        millis / idealMillis,
        SCALE_ITEMS / (timed.nanos() / 1e9),
        timed.load());
  }

  /** Runs the streaming caller in a child JVM at -Xmx256m, twice (the first warms up). */
  private static String measureStream(Workers workers) throws Exception {
    String line = "";
    for (int round = 0; round < 2; round++) {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path")));
      command.add(ClusterBenchmark.class.getName());
      command.addAll(List.of(STREAM_CALLER, workers.cluster, String.join(",", workers.addresses)));
      Process caller = new ProcessBuilder(command).redirectErrorStream(true).start();
      String last = "";
      try (BufferedReader in =
          new BufferedReader(
              new InputStreamReader(caller.getInputStream(), StandardCharsets.UTF_8))) {
        String read;
        while ((read = in.readLine()) != null) {
          if (read.startsWith("streamed ")) {
            last = read;
          }
        }
      }
      if (caller.waitFor() != 0 || last.isEmpty()) {
        throw new IllegalStateException("the streaming caller failed (exit " + caller.exitValue());
      }
      line = last;
    }
    // "streamed N items in NANOS ns, heap MAX"
    String[] parts = line.split(" ");
    long nanos = Long.parseLong(parts[4]);
    return String.format(
        Locale.ROOT,
        "| items | caller heap | time | per item | throughput | load |\n"
            + "|---|---|---|---|---|---|\n"
            + "| %,d | -Xmx256m (max %s MiB used of the heap) | %.1f s | **%.2f µs** | %.0f items/s"
            + " | %s |\n",
        STREAM_ITEMS,
        parts[7],
        nanos / 1e9,
        nanos / 1e3 / STREAM_ITEMS,
        STREAM_ITEMS / (nanos / 1e9),
        loadAverage());
  }

  /**
   * The child caller: streams {@value #STREAM_ITEMS} items through the cluster, read lazily (never
   * all in memory), and prints the time and the most heap used.
   */
  private static void streamCaller(String[] args) throws Exception {
    ClusterConfig config =
        ClusterConfig.builder().clusterName(args[1]).members(List.of(args[2].split(","))).build();
    try (ClusterPool pool = ClusterPool.client(config)) {
      if (!pool.awaitMembers(MEMBERS, Duration.ofSeconds(60))) {
        throw new IllegalStateException("the workers did not form one cluster");
      }
      Iterable<Integer> items = () -> IntStream.range(0, STREAM_ITEMS).boxed().iterator();
      long start = System.nanoTime();
      long sum;
      try (Stream<Long> results = pool.stream(items, i -> 2L * i)) {
        sum = results.mapToLong(Long::longValue).sum();
      }
      long nanos = System.nanoTime() - start;
      long expected = (long) STREAM_ITEMS * (STREAM_ITEMS - 1);
      if (sum != expected) {
        throw new IllegalStateException("wrong sum " + sum + ", expected " + expected);
      }
      long usedMiB = 0;
      for (var pool2 : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool2.getType() == java.lang.management.MemoryType.HEAP) {
          usedMiB += pool2.getPeakUsage().getUsed() >> 20;
        }
      }
      System.out.println(
          "streamed " + STREAM_ITEMS + " items in " + nanos + " ns, heap " + usedMiB);
    }
  }

  /** One timed call: its wall time, and the sum of the items' own measured times. */
  private record Round(long nanos, long itemNanos) {}

  private static Round run(ClusterPool pool, List<Integer> items, long itemMillis) {
    long start = System.nanoTime();
    List<Long> itemNanos =
        pool.map(
            items,
            i -> {
              long itemStart = System.nanoTime();
              Thread.sleep(itemMillis);
              return System.nanoTime() - itemStart;
            });
    long nanos = System.nanoTime() - start;
    if (itemNanos.size() != items.size()) {
      throw new IllegalStateException("wrong number of results");
    }
    return new Round(nanos, itemNanos.stream().mapToLong(Long::longValue).sum());
  }

  /** Worker JVMs of one cluster on 127.0.0.1; closing kills them. */
  private static final class Workers implements AutoCloseable {
    final String cluster;
    final List<String> addresses = new ArrayList<>();
    final List<Process> processes = new ArrayList<>();
    final Thread cleanup = new Thread(this::kill);

    private Workers(String cluster) {
      this.cluster = cluster;
      Runtime.getRuntime().addShutdownHook(cleanup);
    }

    static Workers start(int count, int threads) throws Exception {
      Workers workers =
          new Workers("bench-" + ProcessHandle.current().pid() + "-" + count + "x" + threads);
      try {
        for (int port : freePorts(count)) {
          workers.addresses.add("127.0.0.1:" + port);
        }
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        for (String address : workers.addresses) {
          ready.add(
              startWorker(workers.cluster, address, workers.addresses, threads, workers.processes));
        }
        for (CompletableFuture<Void> r : ready) {
          r.get(120, TimeUnit.SECONDS);
        }
        return workers;
      } catch (Exception | Error e) {
        workers.close();
        throw e;
      }
    }

    ClusterPool client() throws InterruptedException {
      ClusterConfig config =
          ClusterConfig.builder().clusterName(cluster).members(addresses).build();
      ClusterPool pool = ClusterPool.client(config);
      if (!pool.awaitMembers(addresses.size(), Duration.ofSeconds(60))) {
        pool.close();
        throw new IllegalStateException("the workers did not form one cluster");
      }
      return pool;
    }

    private void kill() {
      processes.forEach(Process::destroyForcibly);
    }

    @Override
    public void close() throws InterruptedException {
      kill();
      for (Process worker : processes) {
        worker.waitFor(30, TimeUnit.SECONDS);
      }
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException e) {
        // the JVM is shutting down: the hook runs anyway
      }
    }
  }

  private static CompletableFuture<Void> startWorker(
      String cluster, String address, List<String> addresses, int threads, List<Process> workers)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Worker.jvmOptions());
    command.addAll(List.of("-Xmx512m", "-cp", System.getProperty("java.class.path")));
    command.add(Worker.class.getName());
    command.addAll(
        List.of(
            "--cluster-name",
            cluster,
            "--port",
            address.substring(address.lastIndexOf(':') + 1),
            "--members",
            String.join(",", addresses),
            "--threads",
            Integer.toString(threads),
            "--parent-pid",
            Long.toString(ProcessHandle.current().pid())));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    workers.add(process);
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon()
        .name("bench-worker-output")
        .start(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  if (line.startsWith(Worker.READY)) {
                    ready.complete(null);
                  }
                }
                ready.completeExceptionally(new IllegalStateException("a worker exited early"));
              } catch (IOException e) {
                ready.completeExceptionally(new UncheckedIOException(e));
              }
            });
    return ready;
  }

  private static List<Integer> freePorts(int count) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sockets.add(socket);
        ports.add(socket.getLocalPort());
      }
      return ports;
    } finally {
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    }
  }

  private static String section(String latency, String scale, String stream) {
    return BEGIN
        + "\n## parmap-hazelcast: worker JVMs on this machine\n\n"
        + "`ClusterBenchmark` (a timed main, not JMH; run it with `./build bench cluster`): a"
        + " client sends calls to worker JVMs on 127.0.0.1. The items sleep (2 CPUs cannot show"
        + " scale with CPU work). Measured "
        + Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES)
        + " on "
        + Runtime.getRuntime().availableProcessors()
        + " CPUs, JDK "
        + Runtime.version()
        + "; each row gives the 1-minute load average when it ended (above the CPU count, other"
        + " work shared the machine and slowed both the items and the overhead).\n\n"
        + "### 1,000 items × 10 ms on 3 workers\n\n"
        + "`map`, "
        + WARM_UP_ROUNDS
        + " warm-up calls, then the median and best of "
        + MEASURED_ROUNDS
        + ". Ideal = items × 10 ms / (workers × threads per worker). Goal: ≤ 1.10× ideal."
        + " \"Measured work\" is the items' own time as the task measured it (a 10 ms sleep"
        + " lasts longer on a busy machine) over the threads: the median's excess over it is"
        + " the overhead of parmap and Hazelcast.\n\n"
        + latency
        + "\n### 20,000 items × 1 ms: 3 workers against 1\n\n"
        + "`map`, one warm-up call, then the median of "
        + SCALE_ROUNDS
        + ". Ideal = items × 1 ms / (workers × threads).\n\n"
        + scale
        + "\n### 2,000,000 small items streamed through 3 workers, caller at -Xmx256m\n\n"
        + "`stream` of the ints 0 to 1,999,999, each doubled on a worker, summed by the caller,"
        + " which runs in a child JVM with `-Xmx256m` and reads its input lazily; the second of"
        + " two runs (the first warms the workers up).\n\n"
        + stream
        + END
        + "\n";
  }

  /** The 1-minute load average, or "?" where the system does not say. */
  private static String loadAverage() {
    double load =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return load < 0 ? "?" : String.format(Locale.ROOT, "%.1f", load);
  }

  private static void writeSection(Path results, String section) throws IOException {
    String text = Files.exists(results) ? Files.readString(results) : "";
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    String updated;
    if (begin >= 0 && end > begin) {
      int after = end + END.length();
      if (after < text.length() && text.charAt(after) == '\n') {
        after++;
      }
      updated = text.substring(0, begin) + section + text.substring(after);
    } else {
      updated = text + (text.isEmpty() || text.endsWith("\n\n") ? "" : "\n") + section;
    }
    Files.writeString(results, updated);
  }
}
