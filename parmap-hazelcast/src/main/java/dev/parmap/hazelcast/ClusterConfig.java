package dev.parmap.hazelcast;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * How to reach a Hazelcast cluster and how to run calls on it: an immutable value, made with a
 * {@link #builder()} that starts from the {@link #defaults()}.
 *
 * <pre>{@code
 * ClusterConfig config = ClusterConfig.builder()
 *     .clusterName("crawler")
 *     .members("10.0.0.5:5701", "10.0.0.6:5701")
 *     .allowedPackages("com.acme.crawler")
 *     .build();
 * }</pre>
 *
 * <p>The same value configures the three roles: a client ({@link ClusterPool#client}), an embedded
 * member ({@link ClusterPool#embedded}) and a {@link Worker}. Member addresses are listed one by
 * one, {@code host:port}, never as a port range.
 *
 * <p><b>Security.</b> Hazelcast's open-source edition has neither TLS nor member authentication:
 * the cluster name only keeps unrelated clusters apart, it is not a password. Bind members to a
 * private network (loopback, {@code 127.0.0.1}, is the default). Every member and client
 * deserializes only allow-listed classes: parmap's own ({@code dev.parmap.}), the JDK's basics
 * ({@code java.lang.}, {@code java.util.}, {@code java.io.}, {@code java.nio.}, {@code java.math.},
 * {@code java.time.}, arrays), Hazelcast's ({@code com.hazelcast.}), and the packages given to
 * {@link Builder#allowedPackages}.
 *
 * <p><b>Equality.</b> Two configs are equal when every component is: cluster name, member list (in
 * order), bind address, port, threads, allowed packages (in order), the three timeouts and the
 * chunk size. {@link #toString()} shows every component.
 *
 * @since 0.1
 */
public final class ClusterConfig {

  /** The cluster name used unless {@link Builder#clusterName} says otherwise. */
  public static final String DEFAULT_CLUSTER_NAME = "parmap";

  /** Hazelcast's usual member port, the default for members and for the member list. */
  public static final int DEFAULT_PORT = 5701;

  /**
   * Class-name prefixes every parmap member and client deserializes, whatever the config says:
   * parmap, Hazelcast itself, and the JDK's basic value and collection types.
   */
  static final List<String> BUILT_IN_ALLOWED_PREFIXES =
      List.of(
          "dev.parmap.",
          "com.hazelcast.",
          "java.lang.",
          "java.util.",
          "java.io.",
          "java.nio.",
          "java.math.",
          "java.time.",
          "[");

  private static final Pattern PACKAGE =
      Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*\\.?");

  private final String clusterName;
  private final List<String> members;
  private final String bindAddress;
  private final int port;
  private final int threads;
  private final List<String> allowedPackages;
  private final Duration chunkTimeout;
  private final Duration heartbeatTimeout;
  private final Duration connectTimeout;
  private final int fixedChunkSize; // 0: adaptive

  private ClusterConfig(Builder builder) {
    this.clusterName = builder.clusterName;
    this.members = List.copyOf(builder.members);
    this.bindAddress = builder.bindAddress;
    this.port = builder.port;
    this.threads = builder.threads;
    this.allowedPackages = List.copyOf(builder.allowedPackages);
    this.chunkTimeout = builder.chunkTimeout;
    this.heartbeatTimeout = builder.heartbeatTimeout;
    this.connectTimeout = builder.connectTimeout;
    this.fixedChunkSize = builder.fixedChunkSize;
  }

  /**
   * The defaults: cluster {@value #DEFAULT_CLUSTER_NAME}, the one member {@code 127.0.0.1:5701},
   * bound to {@code 127.0.0.1} on port {@value #DEFAULT_PORT}, one worker thread per processor, no
   * extra allowed packages, chunk timeout 10 minutes, heartbeat timeout 10 s, connect timeout 30 s,
   * adaptive chunk size.
   *
   * @return the default config
   */
  public static ClusterConfig defaults() {
    return new Builder().build();
  }

  /**
   * A builder that starts from the {@link #defaults()}.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder that starts from this config.
   *
   * @return a new builder holding these values
   */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.clusterName = clusterName;
    builder.members = members;
    builder.bindAddress = bindAddress;
    builder.port = port;
    builder.threads = threads;
    builder.allowedPackages.clear();
    builder.allowedPackages.addAll(allowedPackages);
    builder.chunkTimeout = chunkTimeout;
    builder.heartbeatTimeout = heartbeatTimeout;
    builder.connectTimeout = connectTimeout;
    builder.fixedChunkSize = fixedChunkSize;
    return builder;
  }

  /**
   * Returns the cluster name.
   *
   * @return the name of the cluster
   */
  public String clusterName() {
    return clusterName;
  }

  /**
   * Returns the member addresses, {@code host:port}, in the order given.
   *
   * @return an unmodifiable list of at least one address
   */
  public List<String> members() {
    return members;
  }

  /**
   * Returns the address a member started from this config binds to.
   *
   * @return the bind address
   */
  public String bindAddress() {
    return bindAddress;
  }

  /**
   * Returns the port a member started from this config listens on.
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * Returns how many chunks a member started from this config runs at once.
   *
   * @return the number of worker threads of such a member
   */
  public int threads() {
    return threads;
  }

  /**
   * Returns the packages allowed besides the built-in ones, each ending with a dot.
   *
   * @return an unmodifiable list
   */
  public List<String> allowedPackages() {
    return allowedPackages;
  }

  /**
   * Returns how long a caller waits for one chunk on one member.
   *
   * @return the chunk timeout
   */
  public Duration chunkTimeout() {
    return chunkTimeout;
  }

  /**
   * Returns after how long without a heartbeat a peer is taken for dead.
   *
   * @return the heartbeat timeout
   */
  public Duration heartbeatTimeout() {
    return heartbeatTimeout;
  }

  /**
   * Returns how long a client tries to reach the cluster.
   *
   * @return the connect timeout
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * Returns the fixed chunk size, or empty when chunks are sized adaptively.
   *
   * @return the fixed chunk size, if any
   */
  public OptionalInt fixedChunkSize() {
    return fixedChunkSize == 0 ? OptionalInt.empty() : OptionalInt.of(fixedChunkSize);
  }

  /** The class-name prefixes deserialization allows: built-in ones and the configured ones. */
  List<String> allowedPrefixes() {
    List<String> all = new ArrayList<>(BUILT_IN_ALLOWED_PREFIXES);
    all.addAll(allowedPackages);
    return all;
  }

  /**
   * Whether {@code other} is a {@code ClusterConfig} with equal components (see the class
   * description).
   *
   * @param other the object to compare with
   * @return whether the two configs are equal
   */
  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof ClusterConfig that
        && clusterName.equals(that.clusterName)
        && members.equals(that.members)
        && bindAddress.equals(that.bindAddress)
        && port == that.port
        && threads == that.threads
        && allowedPackages.equals(that.allowedPackages)
        && chunkTimeout.equals(that.chunkTimeout)
        && heartbeatTimeout.equals(that.heartbeatTimeout)
        && connectTimeout.equals(that.connectTimeout)
        && fixedChunkSize == that.fixedChunkSize;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        clusterName,
        members,
        bindAddress,
        port,
        threads,
        allowedPackages,
        chunkTimeout,
        heartbeatTimeout,
        connectTimeout,
        fixedChunkSize);
  }

  /**
   * Every component, for example {@code ClusterConfig[clusterName=parmap, members=[127.0.0.1:5701],
   * bindAddress=127.0.0.1, port=5701, threads=8, allowedPackages=[], chunkTimeout=PT10M,
   * heartbeatTimeout=PT10S, connectTimeout=PT30S, chunkSize=adaptive]}.
   *
   * @return a description of this config
   */
  @Override
  public String toString() {
    return "ClusterConfig[clusterName="
        + clusterName
        + ", members="
        + members
        + ", bindAddress="
        + bindAddress
        + ", port="
        + port
        + ", threads="
        + threads
        + ", allowedPackages="
        + allowedPackages
        + ", chunkTimeout="
        + chunkTimeout
        + ", heartbeatTimeout="
        + heartbeatTimeout
        + ", connectTimeout="
        + connectTimeout
        + ", chunkSize="
        + (fixedChunkSize == 0 ? "adaptive" : fixedChunkSize)
        + "]";
  }

  /**
   * Builds a {@link ClusterConfig}, starting from the {@link ClusterConfig#defaults()}. Each setter
   * checks its value at once and replaces what an earlier call set, except {@link
   * #allowedPackages}, which adds. Not thread-safe; the configs it builds are.
   */
  public static final class Builder {
    private String clusterName = DEFAULT_CLUSTER_NAME;
    private List<String> members = List.of("127.0.0.1:" + DEFAULT_PORT);
    private String bindAddress = "127.0.0.1";
    private int port = DEFAULT_PORT;
    private int threads = Runtime.getRuntime().availableProcessors();
    private final LinkedHashSet<String> allowedPackages = new LinkedHashSet<>();
    private Duration chunkTimeout = Duration.ofMinutes(10);
    private Duration heartbeatTimeout = Duration.ofSeconds(10);
    private Duration connectTimeout = Duration.ofSeconds(30);
    private int fixedChunkSize; // 0: adaptive

    private Builder() {}

    /**
     * The name of the cluster to form or join. Members and clients with another name are refused.
     * It separates clusters; it is not a secret (see the class description).
     *
     * @param clusterName a non-blank name
     * @return this builder
     * @throws IllegalArgumentException if the name is blank
     */
    public Builder clusterName(String clusterName) {
      Objects.requireNonNull(clusterName, "clusterName must not be null");
      if (clusterName.isBlank()) {
        throw new IllegalArgumentException("clusterName must not be blank");
      }
      this.clusterName = clusterName;
      return this;
    }

    /**
     * The members to connect to (a client) or to join (a member), each {@code host:port}, listed
     * one by one. A member may list itself.
     *
     * @param members at least one address such as {@code 127.0.0.1:5701}
     * @return this builder
     * @throws IllegalArgumentException if the list is empty, or an address has no port, a port out
     *     of range, or a port range such as {@code 5701-5703}
     */
    public Builder members(String... members) {
      return members(List.of(members));
    }

    /**
     * As {@link #members(String...)}.
     *
     * @param members at least one address such as {@code 127.0.0.1:5701}
     * @return this builder
     * @throws IllegalArgumentException if the list is empty or an address is not {@code host:port}
     */
    public Builder members(List<String> members) {
      if (members.isEmpty()) {
        throw new IllegalArgumentException("members must list at least one host:port address");
      }
      List<String> checked = new ArrayList<>();
      for (String member : members) {
        checked.add(checkAddress(member));
      }
      this.members = List.copyOf(checked);
      return this;
    }

    /**
     * The address a member started from this config (embedded or {@link Worker}) binds to and
     * announces; only that interface accepts connections. Keep it on a private network.
     *
     * @param bindAddress an IP address of this machine, such as {@code 127.0.0.1} or {@code
     *     10.0.0.5}
     * @return this builder
     * @throws IllegalArgumentException if the address is blank or has a port
     */
    public Builder bindAddress(String bindAddress) {
      Objects.requireNonNull(bindAddress, "bindAddress must not be null");
      if (bindAddress.isBlank() || bindAddress.contains(":")) {
        throw new IllegalArgumentException(
            "bindAddress must be an IPv4 address or host name without a port, but was '"
                + bindAddress
                + "'");
      }
      this.bindAddress = bindAddress;
      return this;
    }

    /**
     * The port a member started from this config listens on (exactly this one: no automatic
     * increment).
     *
     * @param port 1 to 65535
     * @return this builder
     * @throws IllegalArgumentException if the port is out of range
     */
    public Builder port(int port) {
      checkPort(port, "port");
      this.port = port;
      return this;
    }

    /**
     * How many chunks a member started from this config runs at once (its worker threads). Callers
     * keep about that many chunks, plus a few queued, in flight on each member.
     *
     * @param threads at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code threads < 1}
     */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1, but was " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * Adds packages whose classes may be deserialized, besides the built-in ones (see the class
     * description): the packages of your items, results, tasks and their exceptions. A package
     * allows its subpackages too. Members and callers must allow the same packages.
     *
     * @param packages package names such as {@code com.acme.crawler}
     * @return this builder
     * @throws IllegalArgumentException if a name is not a package name
     */
    public Builder allowedPackages(String... packages) {
      List<String> checked = new ArrayList<>();
      for (String p : packages) {
        Objects.requireNonNull(p, "package name must not be null");
        if (!PACKAGE.matcher(p).matches()) {
          throw new IllegalArgumentException("not a package name: '" + p + "'");
        }
        checked.add(p.endsWith(".") ? p : p + ".");
      }
      allowedPackages.addAll(checked); // all or nothing
      return this;
    }

    /**
     * How long a caller waits for one chunk on one member before it gives up on that member for the
     * rest of the call and runs the chunk on another one. It bounds a member that hangs (stopped,
     * swapping, partitioned) without leaving the cluster. Choose it well above the time one chunk
     * takes: a chunk holds about 50 ms of work, or one item when items are slower than that.
     *
     * @param chunkTimeout a positive duration
     * @return this builder
     * @throws IllegalArgumentException if the duration is not positive
     */
    public Builder chunkTimeout(Duration chunkTimeout) {
      positive(chunkTimeout, "chunkTimeout");
      this.chunkTimeout = chunkTimeout;
      return this;
    }

    /**
     * After how long without a heartbeat a member or client takes a peer for dead (Hazelcast's
     * default is 60 s; heartbeats are sent every second). A dead member's chunks are re-run on the
     * others.
     *
     * @param heartbeatTimeout at least 2 seconds
     * @return this builder
     * @throws IllegalArgumentException if the duration is shorter than 2 seconds
     */
    public Builder heartbeatTimeout(Duration heartbeatTimeout) {
      Objects.requireNonNull(heartbeatTimeout, "heartbeatTimeout must not be null");
      if (heartbeatTimeout.compareTo(Duration.ofSeconds(2)) < 0) {
        throw new IllegalArgumentException(
            "heartbeatTimeout must be at least 2 s (heartbeats go every second), but was "
                + heartbeatTimeout);
      }
      this.heartbeatTimeout = heartbeatTimeout;
      return this;
    }

    /**
     * How long {@link ClusterPool#client} tries to reach the cluster before it fails, and how long
     * a client that lost the whole cluster keeps trying to reconnect.
     *
     * @param connectTimeout a positive duration
     * @return this builder
     * @throws IllegalArgumentException if the duration is not positive
     */
    public Builder connectTimeout(Duration connectTimeout) {
      positive(connectTimeout, "connectTimeout");
      this.connectTimeout = connectTimeout;
      return this;
    }

    /**
     * Sends items in chunks of exactly this many (the last one may be smaller) instead of the
     * adaptive size, which aims at about 50 ms of work per chunk and shrinks chunks near the end of
     * an input of known size.
     *
     * @param chunkSize at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code chunkSize < 1}
     */
    public Builder fixedChunkSize(int chunkSize) {
      if (chunkSize < 1) {
        throw new IllegalArgumentException("chunkSize must be at least 1, but was " + chunkSize);
      }
      this.fixedChunkSize = chunkSize;
      return this;
    }

    /**
     * Builds the config.
     *
     * @return an immutable value
     */
    public ClusterConfig build() {
      return new ClusterConfig(this);
    }
  }

  private static String checkAddress(String address) {
    Objects.requireNonNull(address, "member address must not be null");
    int colon = address.lastIndexOf(':');
    if (colon <= 0 || colon == address.length() - 1) {
      throw new IllegalArgumentException(
          "member address must be host:port (such as 127.0.0.1:5701), but was '" + address + "'");
    }
    String portText = address.substring(colon + 1);
    if (portText.contains("-")) {
      throw new IllegalArgumentException(
          "member address '"
              + address
              + "' is a port range: list each member's host:port one by one");
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "member address must be host:port (such as 127.0.0.1:5701), but was '" + address + "'",
          e);
    }
    checkPort(port, "port of member address '" + address + "'");
    return address;
  }

  private static void checkPort(int port, String what) {
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException(what + " must be 1 to 65535, but was " + port);
    }
  }

  private static void positive(Duration d, String name) {
    Objects.requireNonNull(d, name + " must not be null");
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, but was " + d);
    }
  }
}
