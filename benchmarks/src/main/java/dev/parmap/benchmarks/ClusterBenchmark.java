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

/**
 * parmap-hazelcast against the ideal: 1,000 items of 10 ms each on three worker JVMs on this
 * machine, timed end to end by a client, compared with items × 10 ms / the workers' threads.
 *
 * <p>Not a JMH benchmark: each measurement is one call of about a second on other JVMs, which JMH
 * cannot warm or fork; a plain timed loop with warm-up rounds and the median of the measured ones
 * says what matters here (the overhead of chunking, the round trips and the tail). Run it with
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

  private static final int MEMBERS = 3;
  private static final int ITEMS = 1_000;
  private static final long ITEM_MILLIS = 10;
  private static final int WARM_UP_ROUNDS = 3;
  private static final int MEASURED_ROUNDS = 7;
  private static final int[] THREADS_PER_MEMBER = {4, 8};

  private ClusterBenchmark() {}

  /**
   * Runs the benchmark and prints a Markdown table; {@code --write} also puts it in RESULTS.md.
   *
   * @param args {@code --write}, or nothing
   * @throws Exception if the workers cannot be started
   */
  public static void main(String[] args) throws Exception {
    boolean write = Arrays.asList(args).contains("--write");
    StringBuilder table = new StringBuilder();
    table.append(
        "| workers × threads | ideal | median | best | median / ideal"
            + " | measured work / threads | median / measured work |\n");
    table.append("|---|---|---|---|---|---|---|\n");
    for (int threads : THREADS_PER_MEMBER) {
      table.append(measure(threads)).append('\n');
    }
    String section = section(table.toString());
    System.out.println(section);
    if (write) {
      writeSection(Path.of("benchmarks", "RESULTS.md"), section);
    }
  }

  private static String measure(int threads) throws Exception {
    List<Process> workers = new ArrayList<>();
    Thread cleanup = new Thread(() -> workers.forEach(Process::destroyForcibly));
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      List<String> addresses = new ArrayList<>();
      for (int port : freePorts(MEMBERS)) {
        addresses.add("127.0.0.1:" + port);
      }
      String cluster = "bench-" + ProcessHandle.current().pid() + "-" + threads;
      List<CompletableFuture<Void>> ready = new ArrayList<>();
      for (String address : addresses) {
        ready.add(startWorker(cluster, address, addresses, threads, workers));
      }
      for (CompletableFuture<Void> r : ready) {
        r.get(120, TimeUnit.SECONDS);
      }
      ClusterConfig config =
          ClusterConfig.builder().clusterName(cluster).members(addresses).build();
      try (ClusterPool pool = ClusterPool.client(config)) {
        if (!pool.awaitMembers(MEMBERS, Duration.ofSeconds(60))) {
          throw new IllegalStateException("the workers did not form one cluster");
        }
        List<Integer> items = IntStream.range(0, ITEMS).boxed().toList();
        for (int round = 0; round < WARM_UP_ROUNDS; round++) {
          run(pool, items);
        }
        List<Round> rounds = new ArrayList<>();
        for (int round = 0; round < MEASURED_ROUNDS; round++) {
          rounds.add(run(pool, items));
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
            "| %d × %d | %.0f ms | %.0f ms | %.0f ms | **%.2f×** | %.0f ms | %.2f× |",
            MEMBERS,
            threads,
            ideal,
            medianMillis,
            rounds.get(0).nanos() / 1e6,
            medianMillis / ideal,
            workMillis,
            medianMillis / workMillis);
      }
    } finally {
      for (Process worker : workers) {
        worker.destroyForcibly();
      }
      for (Process worker : workers) {
        worker.waitFor(30, TimeUnit.SECONDS);
      }
      Runtime.getRuntime().removeShutdownHook(cleanup);
    }
  }

  /** One timed call: its wall time, and the sum of the items' own measured times. */
  private record Round(long nanos, long itemNanos) {}

  private static Round run(ClusterPool pool, List<Integer> items) {
    long start = System.nanoTime();
    List<Long> itemNanos =
        pool.map(
            items,
            i -> {
              long itemStart = System.nanoTime();
              Thread.sleep(ITEM_MILLIS);
              return System.nanoTime() - itemStart;
            });
    long nanos = System.nanoTime() - start;
    if (itemNanos.size() != items.size()) {
      throw new IllegalStateException("wrong number of results");
    }
    return new Round(nanos, itemNanos.stream().mapToLong(Long::longValue).sum());
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

  private static String section(String table) {
    return BEGIN
        + "\n## parmap-hazelcast: 1,000 items × 10 ms on 3 local workers\n\n"
        + "`ClusterBenchmark` (a timed main, not JMH): a client sends `map` of 1,000 items, each"
        + " sleeping 10 ms, to three worker JVMs on 127.0.0.1; "
        + WARM_UP_ROUNDS
        + " warm-up calls, then the median and best of "
        + MEASURED_ROUNDS
        + ". Ideal = items × 10 ms / (workers × threads per worker). Goal: ≤ 1.15× ideal."
        + " \"Measured work\" is the items' own time as the task measured it (a 10 ms sleep"
        + " lasts longer on a busy machine) over the threads: the median's excess over it is"
        + " the overhead of parmap and Hazelcast."
        + " Measured "
        + Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES)
        + " on "
        + Runtime.getRuntime().availableProcessors()
        + " CPUs, JDK "
        + Runtime.version()
        + ", load average "
        + loadAverage()
        + " (above the CPU count: other work shared the machine, and slowed both the items and"
        + " the overhead).\n\n"
        + table
        + "\nRun: `./mvnw -q -pl benchmarks -am package -Dmaven.test.skip=true"
        + " -Dspotless.check.skip=true -Djacoco.skip=true` then `java -cp"
        + " benchmarks/target/parmap-benchmarks.jar dev.parmap.benchmarks.ClusterBenchmark"
        + " --write`.\n"
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
