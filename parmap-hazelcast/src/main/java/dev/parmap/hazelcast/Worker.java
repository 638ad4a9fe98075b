package dev.parmap.hazelcast;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts a cluster member that runs parmap's chunks: the main class of {@code ./build worker}.
 * Start one per machine (or several on one machine, on different ports), with the class path of
 * your tasks and items, and connect to them with {@link ClusterPool#client}.
 *
 * <pre>
 * java [Worker.jvmOptions()] -cp parmap-hazelcast.jar:hazelcast.jar:parmap-core.jar:your.jar \
 *     dev.parmap.hazelcast.Worker --port 5701 --members 10.0.0.5:5701,10.0.0.6:5701 \
 *     --bind 10.0.0.5 --allow com.acme.crawler
 * </pre>
 *
 * <p>Options (each also has a {@link ClusterConfig} counterpart):
 *
 * <ul>
 *   <li>{@code --cluster-name NAME}: the cluster to form or join (default {@value
 *       ClusterConfig#DEFAULT_CLUSTER_NAME});
 *   <li>{@code --bind ADDRESS}: the address to bind to and announce (default {@code 127.0.0.1});
 *   <li>{@code --port PORT}: the port to listen on, exactly (default 5701);
 *   <li>{@code --members HOST:PORT,...}: the members to join, one by one, no port ranges; may be
 *       repeated (default: this member alone);
 *   <li>{@code --threads N}: chunks run at once (default: the number of processors);
 *   <li>{@code --allow PACKAGE,...}: packages whose classes may be deserialized, besides parmap's
 *       and the JDK's basics; may be repeated;
 *   <li>{@code --heartbeat-timeout SECONDS}: after how long a silent member is removed (default
 *       10);
 *   <li>{@code --parent-pid PID}: shut down when that process ends (for tools that start workers
 *       and may die without stopping them);
 *   <li>{@code --secret-file PATH}: the cluster's shared secret (at least 16 bytes; a trailing
 *       newline is ignored), see {@link ClusterConfig.Builder#sharedSecret}; or the environment
 *       variable {@value #SECRET_VARIABLE}. Never on the command line, where other users of the
 *       machine could read it;
 *   <li>{@code --compact-serializers CLASS,...}: Compact serializers of item and result types, each
 *       made with its no-argument constructor (see {@link
 *       ClusterConfig.Builder#compactSerializers}); may be repeated;
 *   <li>{@code --data-serializable-factory ID=CLASS}: a factory of identified data-serializable
 *       item and result types (see {@link ClusterConfig.Builder#dataSerializableFactory}); may be
 *       repeated;
 *   <li>{@code --verbose}: Hazelcast's own log at INFO (by default the worker prints its ready line
 *       and Hazelcast's warnings only).
 * </ul>
 *
 * <p>At start the worker warns about each class-path entry that does not exist: a folder created
 * after the worker started (say, {@code examples/target/classes} built later) is not read until the
 * worker is restarted.
 *
 * <p>When the member is up it prints one line, {@code parmap worker ready: HOST:PORT cluster NAME
 * threads N}, and runs until the process is stopped (SIGTERM or Ctrl-C shut it down cleanly).
 *
 * @since 0.1
 */
public final class Worker {

  /** The line a worker prints when it is ready starts with this. */
  public static final String READY = "parmap worker ready: ";

  /** The environment variable a worker reads the shared secret from, if no file is given. */
  public static final String SECRET_VARIABLE = "PARMAP_CLUSTER_SECRET";

  /** Hazelcast's loggers (kept here so that the level set stays set). */
  private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");

  private static final List<String> JVM_OPTIONS =
      List.of(
          "--add-modules",
          "java.se",
          "--add-exports",
          "java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.lang=ALL-UNNAMED",
          "--add-opens",
          "java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens",
          "java.management/sun.management=ALL-UNNAMED",
          "--add-opens",
          "jdk.management/com.sun.management.internal=ALL-UNNAMED",
          "--sun-misc-unsafe-memory-access=allow",
          "-Dhazelcast.phone.home.enabled=false");

  private Worker() {}

  /**
   * The JVM options a Hazelcast 5.7 member needs on Java 17 and newer (the modules it opens, and no
   * phone-home), to put before {@code -cp} when starting a worker JVM.
   *
   * @return an unmodifiable list of options
   */
  public static List<String> jvmOptions() {
    return JVM_OPTIONS;
  }

  /**
   * Starts a member with the options described in the class description and blocks until it shuts
   * down.
   *
   * @param args the options
   * @throws InterruptedException if the main thread is interrupted while the member runs
   */
  public static void main(String[] args) throws InterruptedException {
    Options options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("parmap worker: " + e.getMessage());
      usage(System.err);
      System.exit(2);
      return;
    }
    ClusterConfig config = options.config();
    if (!options.verbose()) {
      HAZELCAST_LOG.setLevel(Level.WARNING);
    }
    for (String missing : missingClassPathEntries(System.getProperty("java.class.path", ""))) {
      System.err.println(
          "parmap worker: warning: the class path entry "
              + missing
              + " does not exist; classes there cannot be loaded, even once it is created:"
              + " build it, then restart this worker");
    }
    HazelcastInstance member =
        Hazelcast.newHazelcastInstance(HazelcastSetup.member(config, "worker"));
    CountDownLatch shutDown = new CountDownLatch(1);
    member
        .getLifecycleService()
        .addLifecycleListener(
            event -> {
              if (event.getState() == LifecycleState.SHUTDOWN) {
                shutDown.countDown();
              }
            });
    System.out.println(
        READY
            + config.bindAddress()
            + ":"
            + config.port()
            + " cluster "
            + config.clusterName()
            + " threads "
            + config.threads()
            + (config.hasSharedSecret() ? " secret set" : ""));
    System.out.flush();
    OptionalLong parent = options.parentPid();
    if (parent.isPresent()) {
      Optional<ProcessHandle> handle = ProcessHandle.of(parent.getAsLong());
      if (handle.isPresent()) {
        var unused = handle.get().onExit().thenRun(member::shutdown);
      } else {
        member.shutdown(); // the parent is already gone
      }
    }
    if (member.getLifecycleService().isRunning()) {
      shutDown.await();
    }
  }

  /**
   * What the command line says: the member's config, the process to live no longer than, and
   * whether Hazelcast logs at INFO.
   */
  record Options(ClusterConfig config, OptionalLong parentPid, boolean verbose) {}

  /** The options the arguments and the environment describe. */
  static Options parse(String[] args) {
    return parse(args, System.getenv());
  }

  /** The options the arguments and {@code environment} describe. */
  static Options parse(String[] args, Map<String, String> environment) {
    ClusterConfig.Builder config = ClusterConfig.builder();
    OptionalLong parentPid = OptionalLong.empty();
    boolean verbose = false;
    byte[] secret = null;
    List<String> members = new ArrayList<>();
    List<String> allowed = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      if (option.equals("--help") || option.equals("-h")) {
        usage(System.out);
        System.exit(0);
      }
      if (option.equals("--verbose")) {
        verbose = true;
        continue;
      }
      if (option.equals("--secret") || option.startsWith("--secret=")) {
        throw new IllegalArgumentException(
            "the shared secret is never given on the command line (other users of the machine"
                + " can read it there): use --secret-file PATH or the environment variable "
                + SECRET_VARIABLE);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + option + " needs a value");
      }
      String value = args[++i];
      switch (option) {
        case "--cluster-name" -> config.clusterName(value);
        case "--bind" -> config.bindAddress(value);
        case "--port" -> config.port(integer(option, value));
        case "--members" -> members.addAll(list(value));
        case "--threads" -> config.threads(integer(option, value));
        case "--allow" -> allowed.addAll(list(value));
        case "--parent-pid" -> {
          try {
            parentPid = OptionalLong.of(Long.parseLong(value));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                "--parent-pid needs a process id, got '" + value + "'", e);
          }
        }
        case "--heartbeat-timeout" ->
            config.heartbeatTimeout(Duration.ofSeconds(integer(option, value)));
        case "--secret-file" -> secret = readSecret(Path.of(value));
        case "--compact-serializers" -> {
          for (String name : list(value)) {
            config.compactSerializers(load(option, name));
          }
        }
        case "--data-serializable-factory" -> {
          int equals = value.indexOf('=');
          if (equals <= 0) {
            throw new IllegalArgumentException(option + " needs ID=CLASS, got '" + value + "'");
          }
          config.dataSerializableFactory(
              integer(option, value.substring(0, equals)),
              load(option, value.substring(equals + 1)));
        }
        default -> throw new IllegalArgumentException("unknown option " + option);
      }
    }
    String fromEnvironment = environment.get(SECRET_VARIABLE);
    if (secret == null && fromEnvironment != null && !fromEnvironment.isEmpty()) {
      secret = fromEnvironment.getBytes(StandardCharsets.UTF_8);
    }
    if (secret != null) {
      config.sharedSecret(secret);
      Arrays.fill(secret, (byte) 0);
    }
    ClusterConfig built = config.build();
    if (members.isEmpty()) {
      members.add(built.bindAddress() + ":" + built.port());
    }
    return new Options(
        built.toBuilder().members(members).allowedPackages(allowed.toArray(String[]::new)).build(),
        parentPid,
        verbose);
  }

  /** The class named {@code name}, from the class path. */
  static Class<?> load(String option, String name) {
    try {
      return Class.forName(name.strip(), true, Thread.currentThread().getContextClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalArgumentException(
          option + ": no class '" + name + "' on the class path: " + e, e);
    }
  }

  /** The secret in {@code file}, without a trailing line break. */
  static byte[] readSecret(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("--secret-file " + file + " cannot be read: " + e, e);
    }
    int end = bytes.length;
    while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
      end--;
    }
    byte[] secret = Arrays.copyOf(bytes, end);
    Arrays.fill(bytes, (byte) 0);
    return secret;
  }

  /** The entries of {@code classPath} that do not exist. */
  static List<String> missingClassPathEntries(String classPath) {
    List<String> missing = new ArrayList<>();
    for (String entry : classPath.split(File.pathSeparator, -1)) {
      if (!entry.isBlank() && !Files.exists(Path.of(entry))) {
        missing.add(entry);
      }
    }
    return missing;
  }

  private static int integer(String option, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a number, but got '" + value + "'", e);
    }
  }

  private static List<String> list(String value) {
    List<String> values = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      if (!part.isBlank()) {
        values.add(part.strip());
      }
    }
    return values;
  }

  private static void usage(PrintStream out) {
    out.println(
        """
        usage: Worker [--cluster-name NAME] [--bind ADDRESS] [--port PORT]
                      [--members HOST:PORT,...] [--threads N] [--allow PACKAGE,...]
                      [--heartbeat-timeout SECONDS] [--parent-pid PID]
                      [--secret-file PATH] [--compact-serializers CLASS,...]
                      [--data-serializable-factory ID=CLASS] [--verbose]
        The shared secret comes from --secret-file or the environment variable PARMAP_CLUSTER_SECRET.
        Starts a Hazelcast member that runs parmap's chunks; see the README, "Running on a cluster".\
        """);
  }
}
