package dev.parmap.junit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit Jupiter extension that fails a test which leaves a live thread behind, platform or
 * virtual, whose name starts with a given prefix ({@value #THREAD_NAME_PREFIX} unless configured
 * otherwise).
 *
 * <p>Three ways to use it:
 *
 * <ul>
 *   <li>{@code @ExtendWith(NoLeakedThreadsExtension.class)} on a test class, or JUnit's extension
 *       autodetection with this class listed in {@code
 *       META-INF/services/org.junit.jupiter.api.extension.Extension}: checks threads named {@value
 *       #THREAD_NAME_PREFIX}{@code *}, or those named after the JUnit configuration parameter
 *       {@value #PREFIX_PARAMETER} (in {@code junit-platform.properties}, or surefire's {@code
 *       configurationParameters}) when it is set;
 *   <li>{@code @RegisterExtension static final NoLeakedThreadsExtension NO_LEAKS =
 *       NoLeakedThreadsExtension.forThreadsNamed("acme-worker-");} for threads of your own;
 *   <li>the static methods {@link #findLeakedThreads}, {@link #awaitLeakedThreads} and {@link
 *       #assertNoLeakedThreads}, inside a test.
 * </ul>
 *
 * <p>After each test the extension polls, for up to its grace period ({@link #GRACE} unless set
 * with {@link #withGrace}), until no such thread is alive; a thread that has just finished its work
 * may still be alive for a moment. If some are still alive then, the test fails with an {@link
 * AssertionError} that names each thread, says whether it is virtual, and shows its stack trace. A
 * thread is blamed once, on the first test after which it is found: thread ids are never reused, so
 * the tests after it do not fail for the same thread.
 *
 * <p>Platform threads are listed by {@link Thread#getAllStackTraces()}. Virtual threads are not, so
 * they are read from the JVM's JSON thread dump ({@code HotSpotDiagnosticMXBean.dumpThreads}),
 * which lists every virtual thread started with {@code Thread.ofVirtual()} or a virtual-thread
 * executor, parked or not, as long as the system property {@code jdk.trackAllThreads} is true (the
 * JDK's default; set it on the test JVM's command line, {@code -Djdk.trackAllThreads=true}, to be
 * sure). The dump is read with a JSON parser (jackson-core), by field name.
 *
 * <p>It assumes that the tests of one JVM run one at a time (JUnit's default): a thread of a test
 * running in parallel would be blamed on the test that happens to end first. Needs Java 21 or newer
 * and a HotSpot-based JVM.
 *
 * @since 0.1
 */
public final class NoLeakedThreadsExtension implements AfterEachCallback {

  /** The default prefix: threads whose name starts with this are parmap's own. */
  public static final String THREAD_NAME_PREFIX = "parmap-";

  /**
   * The JUnit configuration parameter that sets the prefix checked by an instance made with the
   * no-argument constructor (autodetection, {@code @ExtendWith}).
   */
  public static final String PREFIX_PARAMETER = "parmap.junit.leakedThreads.prefix";

  /** How long the check waits by default for such threads to end before it fails the test. */
  public static final Duration GRACE = Duration.ofSeconds(2);

  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /**
   * Ids of the threads already blamed on an earlier test (thread ids are never reused): a leaked
   * thread fails the test that leaked it, not every test after it. Shared by all instances, since
   * JUnit may create one per test class.
   */
  private static final Set<Long> REPORTED = ConcurrentHashMap.newKeySet();

  private final @Nullable String prefix;
  private final Duration grace;

  /**
   * Checks threads named {@value #THREAD_NAME_PREFIX}{@code *}, or after the configuration
   * parameter {@value #PREFIX_PARAMETER} when it is set; waits up to {@link #GRACE}. Called by
   * JUnit for autodetection and {@code @ExtendWith}.
   */
  public NoLeakedThreadsExtension() {
    this(null, GRACE);
  }

  private NoLeakedThreadsExtension(@Nullable String prefix, Duration grace) {
    this.prefix = prefix;
    this.grace = grace;
  }

  /**
   * An extension that checks the threads whose name starts with {@code prefix}, for use with
   * {@code @RegisterExtension}; it ignores the configuration parameter.
   *
   * @param prefix the start of the names of the threads that must not outlive a test; not empty
   * @return a new extension with the default grace period
   * @throws IllegalArgumentException if {@code prefix} is empty
   */
  public static NoLeakedThreadsExtension forThreadsNamed(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    if (prefix.isEmpty()) {
      throw new IllegalArgumentException("the prefix is empty: every thread would match");
    }
    return new NoLeakedThreadsExtension(prefix, GRACE);
  }

  /**
   * This extension with another grace period.
   *
   * @param grace how long to wait for the threads to end after each test; not negative
   * @return a new extension with the same prefix
   * @throws IllegalArgumentException if {@code grace} is negative
   */
  public NoLeakedThreadsExtension withGrace(Duration grace) {
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("negative grace: " + grace);
    }
    return new NoLeakedThreadsExtension(prefix, grace);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    String checked = prefix;
    if (checked == null) {
      checked =
          context
              .getConfigurationParameter(PREFIX_PARAMETER)
              .filter(p -> !p.isEmpty())
              .orElse(THREAD_NAME_PREFIX);
    }
    List<LeakedThread> leaked = awaitLeakedThreads(checked, grace, REPORTED);
    if (!leaked.isEmpty()) {
      leaked.forEach(t -> REPORTED.add(t.threadId()));
      throw new AssertionError(describe(leaked, checked, grace));
    }
  }

  @Override
  public String toString() {
    return "NoLeakedThreadsExtension["
        + (prefix == null ? "prefix from " + PREFIX_PARAMETER : prefix)
        + ", grace "
        + grace
        + "]";
  }

  /**
   * Throws an {@link AssertionError} naming the live threads whose name starts with {@code prefix},
   * if there are still some after waiting up to {@code grace} for them to end.
   *
   * @param prefix the start of the names of the threads to look for
   * @param grace how long to wait for them to end
   * @throws AssertionError if some are still alive after {@code grace}
   */
  public static void assertNoLeakedThreads(String prefix, Duration grace) {
    List<LeakedThread> leaked = awaitLeakedThreads(prefix, grace);
    if (!leaked.isEmpty()) {
      throw new AssertionError(describe(leaked, prefix, grace));
    }
  }

  /**
   * Polls every 10 ms, for up to {@code grace}, until no live thread's name starts with {@code
   * prefix}; returns those still alive at the end.
   *
   * @param prefix the start of the names of the threads to look for
   * @param grace how long to wait for them to end
   * @return the threads still alive after {@code grace}; empty if none
   */
  public static List<LeakedThread> awaitLeakedThreads(String prefix, Duration grace) {
    return awaitLeakedThreads(prefix, grace, Set.of());
  }

  private static List<LeakedThread> awaitLeakedThreads(
      String prefix, Duration grace, Set<Long> ignoredIds) {
    long deadline = System.nanoTime() + grace.toNanos();
    while (true) {
      List<LeakedThread> leaked = new ArrayList<>(findLeakedThreads(prefix));
      leaked.removeIf(t -> ignoredIds.contains(t.threadId()));
      if (leaked.isEmpty() || System.nanoTime() - deadline >= 0) {
        return leaked;
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }

  /**
   * The live threads, platform and virtual, whose name starts with {@code prefix}, right now.
   *
   * @param prefix the start of the names of the threads to look for
   * @return those threads, platform threads first; empty if none
   */
  public static List<LeakedThread> findLeakedThreads(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    List<LeakedThread> leaked = new ArrayList<>();
    Set<Long> platformIds = new HashSet<>();
    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
      Thread t = e.getKey();
      platformIds.add(t.threadId());
      if (t.getName().startsWith(prefix) && t.isAlive()) {
        List<String> stack = Arrays.stream(e.getValue()).map(StackTraceElement::toString).toList();
        leaked.add(new LeakedThread(t.getName(), t.threadId(), false, stack));
      }
    }
    // The dump lists platform threads too; those already seen above are skipped by id.
    for (ThreadDump.DumpedThread t : ThreadDump.take()) {
      if (!platformIds.contains(t.id()) && t.name().startsWith(prefix)) {
        leaked.add(new LeakedThread(t.name(), t.id(), true, t.stack()));
      }
    }
    return leaked;
  }

  static String describe(List<LeakedThread> leaked, String prefix, Duration grace) {
    StringBuilder msg =
        new StringBuilder()
            .append(leaked.size())
            .append(" thread(s) named ")
            .append(prefix)
            .append("* still alive ")
            .append(grace.toMillis())
            .append(" ms after the test (each test must stop the threads it starts):");
    for (LeakedThread t : leaked) {
      msg.append("\n  \"")
          .append(t.name())
          .append("\" (")
          .append(t.virtual() ? "virtual" : "platform")
          .append(", id ")
          .append(t.threadId())
          .append(')');
      for (String frame : t.stack()) {
        msg.append("\n      at ").append(frame);
      }
    }
    return msg.toString();
  }

  /**
   * A live thread found by the check.
   *
   * @param name the thread's name
   * @param threadId its {@link Thread#threadId()}
   * @param virtual whether it is a virtual thread
   * @param stack its stack trace when it was found, innermost frame first
   * @since 0.1
   */
  public record LeakedThread(String name, long threadId, boolean virtual, List<String> stack) {
    /** Copies {@code stack}. */
    public LeakedThread {
      stack = List.copyOf(stack);
    }
  }
}
