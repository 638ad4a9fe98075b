package dev.parmap.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parmap.junit.NoLeakedThreadsExtension.LeakedThread;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.Extension;

/**
 * Calls the detection directly with a prefix of its own. Every thread started here is stopped in a
 * finally block, so the extension, autodetected here too (src/test/resources), finds nothing after
 * each test.
 */
class NoLeakedThreadsExtensionTest {

  private static final String PREFIX = "parmap-selftest-";
  private static final Duration SHORT_GRACE = Duration.ofMillis(50);

  @Test
  void detectsParkedVirtualThread() throws InterruptedException {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread thread =
        Thread.ofVirtual().name(PREFIX + "virtual").start(() -> parkUntil(started, release));
    try {
      started.await();
      List<LeakedThread> leaked = NoLeakedThreadsExtension.awaitLeakedThreads(PREFIX, SHORT_GRACE);

      assertEquals(1, leaked.size(), () -> leaked.toString());
      LeakedThread t = leaked.get(0);
      assertEquals(PREFIX + "virtual", t.name());
      assertEquals(thread.threadId(), t.threadId());
      assertTrue(t.virtual());
      assertTrue(t.stack().stream().anyMatch(f -> f.contains("parkUntil")), () -> t.toString());

      AssertionError failure =
          assertThrows(
              AssertionError.class,
              () -> NoLeakedThreadsExtension.assertNoLeakedThreads(PREFIX, SHORT_GRACE));
      assertTrue(failure.getMessage().contains("\"" + PREFIX + "virtual\" (virtual"));
    } finally {
      release.countDown();
      thread.join();
    }
    assertEquals(List.of(), NoLeakedThreadsExtension.findLeakedThreads(PREFIX));
  }

  @Test
  void detectsPlatformThreadWithItsStackTrace() throws InterruptedException {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread thread =
        Thread.ofPlatform().name(PREFIX + "platform").start(() -> parkUntil(started, release));
    try {
      started.await();
      AssertionError failure =
          assertThrows(
              AssertionError.class,
              () -> NoLeakedThreadsExtension.assertNoLeakedThreads(PREFIX, SHORT_GRACE));

      String message = failure.getMessage();
      assertTrue(message.startsWith("1 thread(s) named " + PREFIX + "*"), message);
      assertTrue(message.contains("\"" + PREFIX + "platform\" (platform"), message);
      assertTrue(message.contains(getClass().getName() + ".parkUntil("), message);
    } finally {
      release.countDown();
      thread.join();
    }
  }

  @Test
  void waitsForThreadsThatAreAboutToEnd() throws InterruptedException {
    Thread thread = Thread.ofVirtual().name(PREFIX + "finishing").start(() -> sleep(100));
    try {
      assertEquals(
          List.of(), NoLeakedThreadsExtension.awaitLeakedThreads(PREFIX, Duration.ofSeconds(5)));
      assertFalse(thread.isAlive());
    } finally {
      thread.join();
    }
  }

  @Test
  void ignoresThreadsWithOtherNames() throws InterruptedException {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread thread =
        Thread.ofVirtual().name("other-" + PREFIX).start(() -> parkUntil(started, release));
    try {
      started.await();
      assertEquals(List.of(), NoLeakedThreadsExtension.findLeakedThreads(PREFIX));
    } finally {
      release.countDown();
      thread.join();
    }
  }

  @Test
  void itsJarDoesNotRegisterItForAutodetection() {
    // Users opt in (@ExtendWith, @RegisterExtension or a services file of their own). This
    // module's own tests get it from src/test/resources, parmap's other modules from
    // test-support's services file.
    assertTrue(
        ServiceLoader.load(Extension.class).stream()
            .anyMatch(p -> p.type() == NoLeakedThreadsExtension.class));
    assertFalse(Files.exists(Path.of("target", "classes", "META-INF", "services")));
  }

  @Test
  void forThreadsNamedRefusesAnEmptyPrefixAndWithGraceANegativeOne() {
    assertThrows(
        IllegalArgumentException.class, () -> NoLeakedThreadsExtension.forThreadsNamed(""));
    assertThrows(
        IllegalArgumentException.class,
        () -> NoLeakedThreadsExtension.forThreadsNamed("a-").withGrace(Duration.ofMillis(-1)));
    assertEquals(
        "NoLeakedThreadsExtension[a-, grace PT0.05S]",
        NoLeakedThreadsExtension.forThreadsNamed("a-").withGrace(SHORT_GRACE).toString());
    assertEquals(
        "NoLeakedThreadsExtension[prefix from parmap.junit.leakedThreads.prefix, grace PT2S]",
        new NoLeakedThreadsExtension().toString());
  }

  private static void parkUntil(CountDownLatch started, CountDownLatch release) {
    started.countDown();
    try {
      release.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
