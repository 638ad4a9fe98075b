package dev.parmap.examples;

import dev.parmap.hazelcast.ClusterConfig;
import dev.parmap.hazelcast.ClusterPool;
import dev.parmap.hazelcast.Worker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.IntStream;

/**
 * The seed demo on a cluster: start workers first ({@code ./build worker ...}, see the README,
 * "Running on a cluster"), then {@code ./build cluster-demo [HOST:PORT ...]} connects to them as a
 * client and runs two calls there.
 *
 * <ol>
 *   <li>The seed's four items, 5 s each: every worker prints the items it runs, and all four run at
 *       once (about 5 s in all, as long as the workers have four threads between them).
 *   <li>1,000 items of 10 ms each, sent in chunks: the time is compared with the ideal, items × 10
 *       ms / the workers' threads.
 * </ol>
 *
 * <p>The workers run this class's code, so they need it on their class path ({@code --classpath
 * examples/target/classes}); a task captures nothing but serializable values. If the workers have a
 * shared secret from the environment variable {@code PARMAP_CLUSTER_SECRET}, run the demo with the
 * same variable.
 */
public final class ClusterDemo {

  /** The members the demo connects to when no address is given: three workers on this machine. */
  public static final List<String> DEFAULT_MEMBERS =
      List.of("127.0.0.1:5701", "127.0.0.1:5702", "127.0.0.1:5703");

  /** Hazelcast's client logs at INFO by default: the demo keeps its warnings only. */
  private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");

  private ClusterDemo() {}

  /**
   * Connects to the workers and runs the two calls.
   *
   * @param args the members' addresses, {@code host:port} each; the three of {@link
   *     #DEFAULT_MEMBERS} if none
   * @throws InterruptedException if interrupted while waiting for the workers
   */
  public static void main(String[] args) throws InterruptedException {
    HAZELCAST_LOG.setLevel(Level.WARNING);
    List<String> members = args.length == 0 ? DEFAULT_MEMBERS : List.of(args);
    ClusterConfig config = ClusterConfig.builder().members(members).build(); // "host:port" each
    config = withSecretFromEnvironment(config); // the workers' PARMAP_CLUSTER_SECRET, if set
    try (ClusterPool pool = ClusterPool.client(config)) {
      pool.awaitMembers(members.size(), Duration.ofSeconds(30));
      System.out.printf("connected to %d worker(s)%n", pool.memberCount());

      long start = System.nanoTime();
      List<String> done = pool.map(SeedDemo.ITEMS, ClusterDemo::prepare);
      done.forEach(System.out::println);
      System.out.printf(Locale.ROOT, "4 items of 5 s: %.1f s%n", seconds(start));

      List<Integer> items = IntStream.range(0, 1_000).boxed().toList();
      start = System.nanoTime();
      List<Integer> squares =
          pool.map(
              items,
              i -> {
                Thread.sleep(10);
                return i * i;
              });
      System.out.printf(
          Locale.ROOT,
          "1,000 items of 10 ms: %.2f s, last result %d%n",
          seconds(start),
          squares.getLast());
    }
  }

  /** Runs on a worker: prints there, sleeps 5 s, and says which worker it was. */
  static String prepare(String item) throws InterruptedException {
    long pid = ProcessHandle.current().pid();
    System.out.println("preparing " + item + " (parmap demo)");
    Thread.sleep(Duration.ofSeconds(5));
    return item + " prepared by the worker with pid " + pid;
  }

  /**
   * {@code config} with the shared secret of the environment variable the workers read too ({@link
   * Worker#SECRET_VARIABLE}), if it is set.
   */
  static ClusterConfig withSecretFromEnvironment(ClusterConfig config) {
    String secret = System.getenv(Worker.SECRET_VARIABLE);
    if (secret == null || secret.isEmpty()) {
      return config;
    }
    return config.toBuilder().sharedSecret(secret.getBytes(StandardCharsets.UTF_8)).build();
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
