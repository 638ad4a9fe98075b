package dev.parmap.hazelcast;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * Worker JVMs started as separate processes on 127.0.0.1, each on its own free port, all listing
 * each other one by one. {@link #close()} kills them all (resuming stopped ones first); a JVM
 * shutdown hook does the same if a test run ends without closing.
 */
final class LocalMembers implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final String clusterName;
  private final List<String> addresses;
  private final List<Process> processes = new ArrayList<>();
  private final Thread cleanupHook;

  private LocalMembers(String clusterName, List<String> addresses) {
    this.clusterName = clusterName;
    this.addresses = List.copyOf(addresses);
    this.cleanupHook = new Thread(this::killAll, "local-members-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanupHook);
  }

  /**
   * Starts {@code count} workers in parallel and waits until each printed its ready line.
   *
   * @param extraArgs more Worker options, given to every worker
   */
  static LocalMembers start(String clusterName, int count, List<String> extraArgs)
      throws IOException {
    return start(clusterName, count, extraArgs, i -> Map.of());
  }

  /**
   * As {@link #start(String, int, List)}, with environment variables for each member.
   *
   * @param environment member i's extra environment variables
   */
  static LocalMembers start(
      String clusterName,
      int count,
      List<String> extraArgs,
      IntFunction<Map<String, String>> environment)
      throws IOException {
    List<String> addresses = new ArrayList<>();
    for (int port : freePorts(count)) {
      addresses.add("127.0.0.1:" + port);
    }
    LocalMembers members = new LocalMembers(clusterName, addresses);
    try {
      List<CompletableFuture<Void>> ready = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        ready.add(members.launch(i, extraArgs, environment.apply(i)));
      }
      for (int i = 0; i < count; i++) {
        awaitReady(ready.get(i), i, members.logOf(i));
      }
      return members;
    } catch (IOException | RuntimeException | Error e) {
      members.close();
      throw e;
    }
  }

  /** Workers and a client pool connected to them, closed together (the pool first). */
  record WithClient(LocalMembers members, ClusterPool pool) implements AutoCloseable {
    /** Starts {@code count} workers and connects a client once all of them have joined. */
    static WithClient start(String clusterName, int count) throws IOException {
      LocalMembers members = LocalMembers.start(clusterName, count, List.of());
      try {
        ClusterPool pool = ClusterPool.client(members.clientConfig());
        try {
          if (!pool.awaitMembers(count, Duration.ofSeconds(60))) {
            throw new IllegalStateException(count + " members did not join within 60 s");
          }
        } catch (InterruptedException e) {
          pool.close();
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        } catch (RuntimeException e) {
          pool.close();
          throw e;
        }
        return new WithClient(members, pool);
      } catch (RuntimeException e) {
        members.close();
        throw e;
      }
    }

    @Override
    public void close() {
      try {
        pool.close();
      } finally {
        members.close();
      }
    }
  }

  /** A client of {@code config}, once {@code memberCount} members run chunks (60 s at most). */
  static ClusterPool client(ClusterConfig.Builder config, int memberCount)
      throws InterruptedException {
    ClusterPool pool = ClusterPool.client(config.build());
    try {
      if (!pool.awaitMembers(memberCount, Duration.ofSeconds(60))) {
        throw new AssertionError(memberCount + " members did not join within 60 s");
      }
      return pool;
    } catch (RuntimeException | Error e) {
      pool.close();
      throw e;
    }
  }

  List<String> addresses() {
    return addresses;
  }

  String clusterName() {
    return clusterName;
  }

  ClusterConfig clientConfig() {
    return ClusterConfig.builder()
        .clusterName(clusterName)
        .members(addresses)
        .allowedPackages("dev.parmap")
        .build();
  }

  long pid(int i) {
    return processes.get(i).pid();
  }

  boolean isAlive(int i) {
    return processes.get(i).isAlive();
  }

  /** kill -9: the member dies at once, without leaving the cluster politely. */
  void kill(int i) throws InterruptedException {
    Process p = processes.get(i);
    p.destroyForcibly();
    p.waitFor();
  }

  /** kill -STOP: the member hangs, its sockets stay open. */
  void suspend(int i) throws IOException, InterruptedException {
    signal("STOP", processes.get(i));
  }

  void resume(int i) throws IOException, InterruptedException {
    signal("CONT", processes.get(i));
  }

  Path logOf(int i) {
    return Path.of("target", "members", clusterName + "-" + i + ".log");
  }

  @Override
  public void close() {
    killAll();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanupHook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook runs anyway
    }
  }

  private synchronized void killAll() {
    for (Process p : processes) {
      if (p.isAlive()) {
        try {
          signal("CONT", p); // a stopped process would not die of SIGKILL before it resumes
        } catch (IOException | InterruptedException e) {
          // best effort: SIGKILL follows
        }
        p.destroyForcibly();
      }
    }
    for (Process p : processes) {
      try {
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private synchronized CompletableFuture<Void> launch(
      int i, List<String> extraArgs, Map<String, String> environment) throws IOException {
    String address = addresses.get(i);
    String port = address.substring(address.lastIndexOf(':') + 1);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Worker.jvmOptions());
    command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    command.add(Worker.class.getName());
    command.addAll(
        List.of(
            "--cluster-name",
            clusterName,
            "--port",
            port,
            "--members",
            String.join(",", addresses),
            "--threads",
            "4",
            "--allow",
            "dev.parmap",
            // Should this JVM die without closing them (SIGKILL), the members end with it.
            "--parent-pid",
            Long.toString(ProcessHandle.current().pid())));
    command.addAll(extraArgs);
    Path log = logOf(i);
    Files.createDirectories(log.getParent());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove(Worker.SECRET_VARIABLE);
    builder.environment().putAll(environment);
    Process process = builder.start();
    processes.add(process);
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon()
        .name("local-member-" + i + "-output")
        .start(() -> copyOutput(process, log, ready));
    return ready;
  }

  /** Copies the member's output to its log file and completes {@code ready} at its ready line. */
  private static void copyOutput(Process process, Path log, CompletableFuture<Void> ready) {
    try (BufferedReader in =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        out.println(line);
        out.flush();
        if (line.startsWith(Worker.READY)) {
          ready.complete(null);
        }
      }
      ready.completeExceptionally(
          new IllegalStateException("the member exited before it was ready; see " + log));
    } catch (IOException e) {
      ready.completeExceptionally(new UncheckedIOException(e));
    }
  }

  private static void awaitReady(CompletableFuture<Void> ready, int i, Path log) {
    try {
      ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("member " + i + " did not start; see " + log, e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "member " + i + " not ready after " + START_TIMEOUT + "; see " + log, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting members", e);
    }
  }

  private static void signal(String signal, Process p) throws IOException, InterruptedException {
    if (p.isAlive()) {
      new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid()))
          .inheritIO()
          .start()
          .waitFor();
    }
  }

  /** Ports free on 127.0.0.1 now: all sockets are held open together so that they differ. */
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
}
