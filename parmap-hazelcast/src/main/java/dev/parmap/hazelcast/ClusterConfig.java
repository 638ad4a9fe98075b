package dev.parmap.hazelcast;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * order), bind address, port, threads, allowed packages (in order), the four timeouts, the
 * cool-down, the chunk size, the re-send cap and the shared secret. {@link #toString()} shows every
 * component but the secret's bytes.
 *
 * @since 0.1
 */
public final class ClusterConfig {

  /** The cluster name used unless {@link Builder#clusterName} says otherwise. */
  public static final String DEFAULT_CLUSTER_NAME = "parmap";

  /** How many times a lost chunk is re-sent unless {@link Builder#maxResends} says otherwise. */
  public static final int DEFAULT_MAX_RESENDS = 3;

  /** The most threads a member may have ({@link Builder#threads}). */
  public static final int MAX_THREADS = MemberSelection.MAX_THREADS;

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
  private final Duration queueTimeout;
  private final Duration coolDown;
  private final Duration heartbeatTimeout;
  private final Duration connectTimeout;
  private final int fixedChunkSize; // 0: adaptive
  private final int maxResends;
  private final byte @Nullable [] sharedSecret;
  private final List<Class<?>> compactSerializers;
  private final Map<Integer, Class<?>> dataSerializableFactories;

  private ClusterConfig(Builder builder) {
    this.clusterName = builder.clusterName;
    this.members = List.copyOf(builder.members);
    this.bindAddress = builder.bindAddress;
    this.port = builder.port;
    this.threads = builder.threads;
    this.allowedPackages = List.copyOf(builder.allowedPackages);
    this.chunkTimeout = builder.chunkTimeout;
    this.queueTimeout = builder.queueTimeout;
    this.coolDown = builder.coolDown;
    this.heartbeatTimeout = builder.heartbeatTimeout;
    this.connectTimeout = builder.connectTimeout;
    this.fixedChunkSize = builder.fixedChunkSize;
    this.maxResends = builder.maxResends;
    byte[] secret = builder.sharedSecret;
    this.sharedSecret = secret == null ? null : secret.clone();
    this.compactSerializers = List.copyOf(builder.compactSerializers);
    this.dataSerializableFactories =
        java.util.Collections.unmodifiableMap(new LinkedHashMap<>(builder.factories));
  }

  /**
   * The defaults: cluster {@value #DEFAULT_CLUSTER_NAME}, the one member {@code 127.0.0.1:5701},
   * bound to {@code 127.0.0.1} on port {@value #DEFAULT_PORT}, one worker thread per processor, no
   * extra allowed packages, chunk timeout 10 minutes, queue timeout 1 hour, cool-down 30 s,
   * heartbeat timeout 10 s, connect timeout 30 s, adaptive chunk size, a lost chunk re-sent at most
   * {@value #DEFAULT_MAX_RESENDS} times, no shared secret.
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
    builder.queueTimeout = queueTimeout;
    builder.coolDown = coolDown;
    builder.heartbeatTimeout = heartbeatTimeout;
    builder.connectTimeout = connectTimeout;
    builder.fixedChunkSize = fixedChunkSize;
    builder.maxResends = maxResends;
    byte[] secret = sharedSecret;
    builder.sharedSecret = secret == null ? null : secret.clone();
    builder.compactSerializers.addAll(compactSerializers);
    builder.factories.putAll(dataSerializableFactories);
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
   * Returns how long one chunk may run on one member before the caller gives up on that member: run
   * time, counted from when the member started the chunk, not time queued there.
   *
   * @return the chunk timeout
   */
  public Duration chunkTimeout() {
    return chunkTimeout;
  }

  /**
   * Returns how long a chunk may wait in a member's queue (behind other callers' work) before it
   * starts, on top of the {@linkplain #chunkTimeout() chunk timeout}, before the caller gives up on
   * that member.
   *
   * @return the queue timeout
   * @since 0.1
   */
  public Duration queueTimeout() {
    return queueTimeout;
  }

  /**
   * Returns how long a call sends no chunk to a member it gave up on (a chunk timed out there, or
   * its answer was refused) before that member may rejoin the call; doubled each time the call
   * gives up on the same member again (up to 64 times).
   *
   * @return the cool-down
   * @since 0.1
   */
  public Duration coolDown() {
    return coolDown;
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

  /**
   * Returns how many times a chunk lost with its member (the member died, left, hung or was given
   * up on) is sent to another member before the call fails naming its items.
   *
   * @return at least 0
   * @since 0.1
   */
  public int maxResends() {
    return maxResends;
  }

  /**
   * Returns whether messages are signed with a shared secret ({@link Builder#sharedSecret}). The
   * secret itself is not exposed.
   *
   * @return whether there is a shared secret
   * @since 0.1
   */
  public boolean hasSharedSecret() {
    return sharedSecret != null;
  }

  /**
   * Returns the classes of the Compact serializers registered for items and results ({@link
   * Builder#compactSerializers}).
   *
   * @return an unmodifiable list, in the order given
   * @since 0.1
   */
  public List<Class<?>> compactSerializers() {
    return compactSerializers;
  }

  /**
   * Returns the classes of the factories of identified data-serializable items and results, by
   * factory id ({@link Builder#dataSerializableFactory}).
   *
   * @return an unmodifiable map, in the order given
   * @since 0.1
   */
  public Map<Integer, Class<?>> dataSerializableFactories() {
    return dataSerializableFactories;
  }

  /** The shared secret, or null: for {@link ChunkSigner}. */
  byte @Nullable [] sharedSecret() {
    byte[] secret = sharedSecret;
    return secret == null ? null : secret.clone();
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
        && queueTimeout.equals(that.queueTimeout)
        && coolDown.equals(that.coolDown)
        && heartbeatTimeout.equals(that.heartbeatTimeout)
        && connectTimeout.equals(that.connectTimeout)
        && fixedChunkSize == that.fixedChunkSize
        && maxResends == that.maxResends
        && Arrays.equals(sharedSecret, that.sharedSecret)
        && compactSerializers.equals(that.compactSerializers)
        && dataSerializableFactories.equals(that.dataSerializableFactories);
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
        queueTimeout,
        coolDown,
        heartbeatTimeout,
        connectTimeout,
        fixedChunkSize,
        maxResends,
        Arrays.hashCode(sharedSecret),
        compactSerializers,
        dataSerializableFactories);
  }

  /**
   * Every component, for example {@code ClusterConfig[clusterName=parmap, members=[127.0.0.1:5701],
   * bindAddress=127.0.0.1, port=5701, threads=8, allowedPackages=[], chunkTimeout=PT10M,
   * queueTimeout=PT1H, coolDown=PT30S, heartbeatTimeout=PT10S, connectTimeout=PT30S,
   * chunkSize=adaptive, maxResends=3, sharedSecret=none]}; a secret shows as {@code
   * sharedSecret=set}, never its bytes.
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
        + ", queueTimeout="
        + queueTimeout
        + ", coolDown="
        + coolDown
        + ", heartbeatTimeout="
        + heartbeatTimeout
        + ", connectTimeout="
        + connectTimeout
        + ", chunkSize="
        + (fixedChunkSize == 0 ? "adaptive" : fixedChunkSize)
        + ", maxResends="
        + maxResends
        + ", sharedSecret="
        + (sharedSecret == null ? "none" : "set")
        + (compactSerializers.isEmpty() && dataSerializableFactories.isEmpty()
            ? ""
            : ", compactSerializers="
                + compactSerializers.stream().map(Class::getName).toList()
                + ", dataSerializableFactories="
                + dataSerializableFactories.keySet())
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
    private Duration queueTimeout = Duration.ofHours(1);
    private Duration coolDown = Duration.ofSeconds(30);
    private Duration heartbeatTimeout = Duration.ofSeconds(10);
    private Duration connectTimeout = Duration.ofSeconds(30);
    private int fixedChunkSize; // 0: adaptive
    private int maxResends = DEFAULT_MAX_RESENDS;
    private byte @Nullable [] sharedSecret;
    private final List<Class<?>> compactSerializers = new ArrayList<>();
    private final Map<Integer, Class<?>> factories = new LinkedHashMap<>();

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
     * announces; only that interface accepts connections. Keep it on a private network. An address
     * that is not a loopback one ({@code 127.x.x.x}, {@code localhost}) needs a {@linkplain
     * #clusterName cluster name} of your own, checked by {@link #build()}.
     *
     * @param bindAddress an IP address of this machine, such as {@code 127.0.0.1} or {@code
     *     10.0.0.5}
     * @return this builder
     * @throws IllegalArgumentException if the address is blank, has a port, or is the wildcard
     *     {@code 0.0.0.0} (it would listen on every interface and announce an address the others
     *     cannot reach)
     */
    public Builder bindAddress(String bindAddress) {
      Objects.requireNonNull(bindAddress, "bindAddress must not be null");
      if (bindAddress.isBlank() || bindAddress.contains(":")) {
        throw new IllegalArgumentException(
            "bindAddress must be an IPv4 address or host name without a port, but was '"
                + bindAddress
                + "'");
      }
      if (bindAddress.strip().equals("0.0.0.0")) {
        throw new IllegalArgumentException(
            "bindAddress 0.0.0.0 would listen on every interface and announce 0.0.0.0, which the"
                + " other members cannot reach: give this machine's private address, such as"
                + " 10.0.0.5");
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
     * @param threads 1 to {@value ClusterConfig#MAX_THREADS}
     * @return this builder
     * @throws IllegalArgumentException if {@code threads} is out of that range
     */
    public Builder threads(int threads) {
      if (threads < 1 || threads > MAX_THREADS) {
        throw new IllegalArgumentException(
            "threads must be 1 to " + MAX_THREADS + ", but was " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * Adds packages whose classes may be deserialized, besides the built-in ones (see the class
     * description): the packages of your items, results, tasks and their exceptions, and for a task
     * or action written as a lambda or method reference, the package of the class that declares it
     * (the lambda is deserialized through that class). A package allows its subpackages too.
     * Members and callers must allow the same packages.
     *
     * @param packages package names of at least two segments, such as {@code com.acme.crawler}
     * @return this builder
     * @throws IllegalArgumentException if a name is not a package name, or has only one segment
     *     (such as {@code com} or {@code org}, which would allow far too much)
     */
    public Builder allowedPackages(String... packages) {
      List<String> checked = new ArrayList<>();
      for (String p : packages) {
        Objects.requireNonNull(p, "package name must not be null");
        if (!PACKAGE.matcher(p).matches()) {
          throw new IllegalArgumentException("not a package name: '" + p + "'");
        }
        String name = p.endsWith(".") ? p.substring(0, p.length() - 1) : p;
        if (!name.contains(".")) {
          throw new IllegalArgumentException(
              "package '"
                  + name
                  + "' is too broad to allow-list: it would let every class under "
                  + name
                  + ". be deserialized; name your own packages, with at least two segments"
                  + " (such as "
                  + name
                  + ".acme)");
        }
        checked.add(p.endsWith(".") ? p : p + ".");
      }
      allowedPackages.addAll(checked); // all or nothing
      return this;
    }

    /**
     * How long one chunk may run on one member before the caller gives up on that member (for the
     * {@linkplain #coolDown cool-down}) and runs the chunk on another one. It counts run time: the
     * clock starts when the member starts the chunk, not while the chunk waits in the member's
     * queue behind other callers' work (that wait is bounded by the {@linkplain #queueTimeout queue
     * timeout}). When it passes, the caller asks the member whether and since when it runs the
     * chunk; a member that does not answer within half the shorter of this timeout and the
     * heartbeat timeout (at least 2 s) is taken to hang. It bounds a member that hangs (stopped,
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
     * How long a chunk may wait in a member's queue before it starts (behind other callers' chunks:
     * a member runs as many chunks at once as it has threads), on top of the {@linkplain
     * #chunkTimeout chunk timeout}: a chunk not answered within the two from its send is given up
     * on there, and the member drops it. A generous bound (1 hour by default): it only catches a
     * member whose threads are all held by work that never ends.
     *
     * @param queueTimeout a positive duration
     * @return this builder
     * @throws IllegalArgumentException if the duration is not positive
     * @since 0.1
     */
    public Builder queueTimeout(Duration queueTimeout) {
      positive(queueTimeout, "queueTimeout");
      this.queueTimeout = queueTimeout;
      return this;
    }

    /**
     * How long a call sends no chunk to a member it gave up on while the member stays in the
     * cluster (a chunk ran past the chunk timeout there, it did not answer, or its answer was
     * refused), before the member may rejoin the call: 30 s by default. Each time the call gives up
     * on the same member again, the cool-down doubles (up to 64 times this one). A member that left
     * the cluster, or could not be reached, does not come back into the call (one that joins again
     * is a new member, and is sent chunks at once). A call does not wait for a cool-down: when no
     * member is left to send a chunk to (every one left or cools down), it fails with {@link
     * ClusterFailedException}.
     *
     * @param coolDown zero or a positive duration
     * @return this builder
     * @throws IllegalArgumentException if the duration is negative
     * @since 0.1
     */
    public Builder coolDown(Duration coolDown) {
      Objects.requireNonNull(coolDown, "coolDown must not be null");
      if (coolDown.isNegative()) {
        throw new IllegalArgumentException("coolDown must not be negative, but was " + coolDown);
      }
      this.coolDown = coolDown;
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
     * How many times a chunk lost with its member (the member died, left the cluster, hung past the
     * timeouts or sent an answer that was refused) is sent to another member. Once a chunk is lost
     * again after that, the call fails with {@link ClusterFailedException} naming its items: an
     * item that kills every member it runs on (a poison item) takes down at most {@code maxResends
     * + 1} members rather than the whole cluster.
     *
     * @param maxResends at least 0 (0: a lost chunk fails the call)
     * @return this builder
     * @throws IllegalArgumentException if {@code maxResends < 0}
     * @since 0.1
     */
    public Builder maxResends(int maxResends) {
      if (maxResends < 0) {
        throw new IllegalArgumentException("maxResends must be at least 0, but was " + maxResends);
      }
      this.maxResends = maxResends;
      return this;
    }

    /**
     * A secret shared by the caller and every member: chunks and answers are signed with it
     * (HMAC-SHA256), and a member refuses a chunk not signed with it (before it deserializes
     * anything), a caller refuses an answer not signed with it. So a client without the secret
     * cannot have work run, and a member without it cannot forge results. It does not encrypt:
     * items and results still travel in clear (see the README's Security). Workers take it with
     * {@code --secret-file} or the {@code PARMAP_CLUSTER_SECRET} environment variable, never on the
     * command line.
     *
     * @param secret at least 16 bytes, best 32 random ones; copied
     * @return this builder
     * @throws IllegalArgumentException if the secret is shorter than 16 bytes
     * @since 0.1
     */
    public Builder sharedSecret(byte[] secret) {
      Objects.requireNonNull(secret, "secret must not be null");
      this.sharedSecret = ChunkSigner.checkSecret(secret);
      return this;
    }

    /**
     * Registers Hazelcast Compact serializers (classes that implement {@code
     * com.hazelcast.nio.serialization.compact.CompactSerializer}, each with a public no-argument
     * constructor) for item and result types that are not {@link java.io.Serializable}: a value of
     * such a type (exactly the serializer's compact class) travels as Hazelcast serializes it,
     * schema included, inside the chunk's payload; every other value is Java-serialized as before.
     * The caller and every member must register the same serializers ({@link Worker}: {@code
     * --compact-serializers CLASS,...}); a type not registered on a member makes its chunk
     * unreadable there. The allow-list does not apply to these values: Hazelcast reads them with
     * the registered serializer only. Values inside a Java-serialized object (a field of an item),
     * and the results of the outcome calls, must still be {@code Serializable}. Adds to those given
     * before.
     *
     * @param serializers serializer classes
     * @return this builder
     * @throws IllegalArgumentException if a class is not a Compact serializer that can be made with
     *     a public no-argument constructor
     * @since 0.1
     */
    public Builder compactSerializers(Class<?>... serializers) {
      List<Class<?>> checked = new ArrayList<>();
      for (Class<?> serializer : serializers) {
        Objects.requireNonNull(serializer, "serializer class must not be null");
        UserTypes.compactSerializer(serializer); // made once here to fail early
        checked.add(serializer);
      }
      compactSerializers.addAll(checked);
      return this;
    }

    /**
     * Registers the factory (a class that implements {@code
     * com.hazelcast.nio.serialization.DataSerializableFactory}, with a public no-argument
     * constructor) of identified data-serializable item and result types, as {@link
     * #compactSerializers} registers Compact ones: a value that is not {@code Serializable} and
     * whose factory id is {@code factoryId} travels as Hazelcast writes it ({@link Worker}: {@code
     * --data-serializable-factory ID=CLASS}).
     *
     * @param factoryId the id the types' {@code getFactoryId()} return; not parmap's own
     * @param factory the factory's class
     * @return this builder
     * @throws IllegalArgumentException if {@code factoryId} is parmap's own factory id, or the
     *     class is not such a factory with a public no-argument constructor
     * @since 0.1
     */
    public Builder dataSerializableFactory(int factoryId, Class<?> factory) {
      Objects.requireNonNull(factory, "factory class must not be null");
      if (factoryId == WireTypes.FACTORY_ID) {
        throw new IllegalArgumentException(
            "factory id " + factoryId + " is parmap's own: choose another one");
      }
      UserTypes.factory(factory); // made once here to fail early
      factories.put(factoryId, factory);
      return this;
    }

    /**
     * Builds the config.
     *
     * @return an immutable value
     * @throws IllegalArgumentException if the bind address is not a loopback address and the
     *     cluster name is still the default {@value ClusterConfig#DEFAULT_CLUSTER_NAME}: a member
     *     reachable from other machines must name its cluster, so that it does not join (or let in)
     *     another cluster that kept the default
     */
    public ClusterConfig build() {
      if (!isLoopback(bindAddress) && clusterName.equals(DEFAULT_CLUSTER_NAME)) {
        throw new IllegalArgumentException(
            "binding to "
                + bindAddress
                + ", which other machines can reach, needs a cluster name of your own"
                + " (--cluster-name NAME, ClusterConfig.Builder.clusterName), not the default '"
                + DEFAULT_CLUSTER_NAME
                + "'");
      }
      return new ClusterConfig(this);
    }
  }

  /** Whether {@code address} is a loopback address, by its text (no name is resolved). */
  static boolean isLoopback(String address) {
    String a = address.strip().toLowerCase(Locale.ROOT);
    return a.startsWith("127.") || a.equals("localhost");
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
