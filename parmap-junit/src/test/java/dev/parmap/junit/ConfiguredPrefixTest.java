package dev.parmap.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Runs small test classes that leave a thread behind through JUnit's engine test kit, and checks
 * which prefix the extension looks for. The leaked thread is released after each run.
 */
class ConfiguredPrefixTest {

  private static volatile CountDownLatch release = new CountDownLatch(1);
  private static volatile @Nullable Thread leaked;

  @BeforeEach
  void holdTheThreadsToBeLeaked() {
    release = new CountDownLatch(1);
  }

  @AfterEach
  void releaseTheLeakedThread() throws InterruptedException {
    release.countDown();
    Thread thread = leaked;
    if (thread != null) {
      thread.join();
    }
  }

  static void leak(String name) {
    CountDownLatch latch = release;
    leaked =
        Thread.ofVirtual()
            .name(name)
            .start(
                () -> {
                  try {
                    latch.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
  }

  @Test
  void theNoArgumentExtensionChecksThePrefixOfTheConfigurationParameter() {
    EngineTestKit.engine("junit-jupiter")
        .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "false")
        .configurationParameter(NoLeakedThreadsExtension.PREFIX_PARAMETER, "acme-")
        .selectors(selectClass(LeaksAcmeThread.class))
        .execute()
        .testEvents()
        .assertThatEvents()
        .haveExactly(
            1,
            event(
                test("leaks"),
                finishedWithFailure(
                    instanceOf(AssertionError.class),
                    message(m -> m.startsWith("1 thread(s) named acme-* still alive")))));
  }

  @Test
  void withoutTheParameterItChecksParmapThreadsOnly() {
    EngineTestKit.engine("junit-jupiter")
        .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "false")
        .selectors(selectClass(LeaksAcmeThread.class))
        .execute()
        .testEvents()
        .assertThatEvents()
        .haveExactly(1, event(test("leaks"), finishedSuccessfully()));
  }

  @Test
  void aRegisteredExtensionChecksItsOwnPrefix() {
    EngineTestKit.engine("junit-jupiter")
        .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "false")
        .selectors(selectClass(RegistersWorkerPrefix.class))
        .execute()
        .testEvents()
        .assertThatEvents()
        .haveExactly(
            1,
            event(
                test("leaks"),
                finishedWithFailure(message(m -> m.contains("\"worker-1\" (virtual, id ")))));
  }

  /** Run only through the engine test kit (surefire skips nested classes). */
  @ExtendWith(NoLeakedThreadsExtension.class)
  static class LeaksAcmeThread {
    @Test
    void leaks() {
      leak("acme-1");
    }
  }

  /** Run only through the engine test kit. */
  static class RegistersWorkerPrefix {
    @RegisterExtension
    static final NoLeakedThreadsExtension NO_LEAKS =
        NoLeakedThreadsExtension.forThreadsNamed("worker-")
            .withGrace(java.time.Duration.ofMillis(50));

    @Test
    void leaks() {
      leak("worker-1");
    }
  }
}
