package dev.parmap.testing;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaves a live thread whose name starts with {@value #THREAD_NAME_PREFIX}
 * behind, platform or virtual.
 *
 * <p>Registered for every test through {@code
 * META-INF/services/org.junit.jupiter.api.extension.Extension} and JUnit's extension autodetection
 * ({@code junit.jupiter.extensions.autodetection.enabled=true}, set by the parent POM's surefire
 * configuration). It assumes that the tests of one JVM run one at a time (JUnit's default): a
 * thread of a test running in parallel would be blamed on this one.
 *
 * <p>Platform threads are listed by {@link Thread#getAllStackTraces()}. Virtual threads are not, so
 * they are read from a JSON thread dump ({@link HotSpotDiagnosticMXBean#dumpThreads}), which lists
 * every virtual thread started with {@code Thread.ofVirtual()} or a virtual-thread executor, parked
 * or not, as long as {@code jdk.trackAllThreads} is true (the JDK's default; the parent POM also
 * sets it in surefire's argLine).
 *
 * <p>A thread that has just finished its work may still be alive for a moment, so the check polls
 * for up to {@link #GRACE} before it fails.
 */
public final class NoLeakedThreadsExtension implements AfterEachCallback {

  /** Threads whose name starts with this are parmap's own and must not outlive a test. */
  public static final String THREAD_NAME_PREFIX = "parmap-";

  /** How long the check waits for such threads to end before it fails the test. */
  public static final Duration GRACE = Duration.ofSeconds(2);

  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /**
   * Ids of the threads already blamed on an earlier test (thread ids are never reused): a leaked
   * thread fails the test that leaked it, not every test after it.
   */
  private static final Set<Long> REPORTED = ConcurrentHashMap.newKeySet();

  /**
   * One thread object of the JSON dump: its "tid" comes first, then "time", then "name" (no nested
   * object or array between them). Group 1 is the id, group 2 the JSON-escaped name.
   */
  private static final Pattern DUMP_THREAD =
      Pattern.compile(
          "\"tid\"\\s*:\\s*\"(\\d+)\"[^{}\\[\\]]*?\"name\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

  private static final Pattern DUMP_STACK = Pattern.compile("\"stack\"\\s*:\\s*\\[([^\\]]*)\\]");
  private static final Pattern JSON_STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** A live thread found by the check. */
  public record LeakedThread(String name, long threadId, boolean virtual, List<String> stack) {
    public LeakedThread {
      stack = List.copyOf(stack);
    }
  }

  /** Called by JUnit through autodetection; may also be registered with {@code @ExtendWith}. */
  public NoLeakedThreadsExtension() {}

  @Override
  public void afterEach(ExtensionContext context) {
    List<LeakedThread> leaked = awaitLeakedThreads(THREAD_NAME_PREFIX, GRACE, REPORTED);
    if (!leaked.isEmpty()) {
      leaked.forEach(t -> REPORTED.add(t.threadId()));
      throw new AssertionError(describe(leaked, THREAD_NAME_PREFIX, GRACE));
    }
  }

  /**
   * Throws an {@link AssertionError} naming the live threads whose name starts with {@code prefix},
   * if there are still some after waiting up to {@code grace} for them to end.
   */
  public static void assertNoLeakedThreads(String prefix, Duration grace) {
    List<LeakedThread> leaked = awaitLeakedThreads(prefix, grace);
    if (!leaked.isEmpty()) {
      throw new AssertionError(describe(leaked, prefix, grace));
    }
  }

  /**
   * Polls every 10 ms, for up to {@code grace}, until no live thread's name starts with {@code
   * prefix}; returns those still alive at the end (empty if none).
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

  /** The live threads, platform and virtual, whose name starts with {@code prefix}, right now. */
  public static List<LeakedThread> findLeakedThreads(String prefix) {
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
    String json = dumpThreadsAsJson();
    Matcher m = DUMP_THREAD.matcher(json);
    boolean found = m.find();
    while (found) {
      long id = Long.parseLong(m.group(1));
      String name = unescapeJson(m.group(2));
      int objectEnd = m.end();
      found = m.find();
      if (platformIds.contains(id) || !name.startsWith(prefix)) {
        continue;
      }
      String rest = json.substring(objectEnd, found ? m.start() : json.length());
      leaked.add(new LeakedThread(name, id, true, stackFromDump(rest)));
    }
    return leaked;
  }

  private static List<String> stackFromDump(String threadObjectRest) {
    Matcher stack = DUMP_STACK.matcher(threadObjectRest);
    if (!stack.find()) {
      return List.of();
    }
    List<String> frames = new ArrayList<>();
    Matcher frame = JSON_STRING.matcher(stack.group(1));
    while (frame.find()) {
      frames.add(unescapeJson(frame.group(1)));
    }
    return frames;
  }

  private static String dumpThreadsAsJson() {
    HotSpotDiagnosticMXBean bean =
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    Path dir;
    try {
      // dumpThreads refuses an existing file: dump into a fresh directory.
      dir = Files.createTempDirectory("parmap-threads");
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a directory for a thread dump", e);
    }
    Path file = dir.resolve("threads.json").toAbsolutePath();
    try {
      bean.dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not dump the JVM's threads", e);
    } finally {
      deleteQuietly(file);
      deleteQuietly(dir);
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // Best effort: a leftover file in the temp directory is harmless.
    }
  }

  /** Undoes the escapes a JSON string may hold (the JDK's dump writes "/" as "\/"). */
  static String unescapeJson(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 == s.length()) {
        out.append(c);
        continue;
      }
      char e = s.charAt(++i);
      switch (e) {
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case 'r' -> out.append('\r');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'u' -> {
          if (i + 4 < s.length()) {
            out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
            i += 4;
          } else {
            out.append("\\u");
          }
        }
        default -> out.append(e); // \" \\ \/
      }
    }
    return out.toString();
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
}
