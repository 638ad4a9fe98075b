package dev.parmap.engine;

import dev.parmap.testing.Stress;
import org.jetbrains.lincheck.datastructures.LongGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The handshakes of a {@link Chunk} are linearizable: {@code claim()} (a pool thread and a helping
 * driver race for the chunk: exactly one wins), and the per-attempt timeout protocol ({@code
 * beginAttempt}/{@code endAttempt} by the thread running the chunk, {@code timeOut(id)} by the
 * timer). An alarm interrupts the runner only while its own attempt runs, and {@code endAttempt}
 * reports exactly the alarms that did; a late alarm of an ended attempt is a no-op.
 *
 * <p>The runner is an unstarted thread, so that an interrupt is visible as its flag and touches
 * none of Lincheck's threads. Public for Lincheck, which runs the same class on one thread as the
 * sequential specification.
 */
@Tag("stress")
@Param(name = "attempt", gen = LongGen.class, conf = "1:4")
public class ChunkLincheckTest {
  private final Thread runner = Thread.ofPlatform().unstarted(() -> {});
  private final Chunk chunk = new Chunk(0, 1, new Object[] {"item"}, null, 0);

  /** Public for Lincheck, which makes a fresh instance for every scenario. */
  public ChunkLincheckTest() {
    synchronized (chunk) {
      chunk.runner = runner;
    }
  }

  /** A pool thread or a helping driver tries to take the chunk. */
  @Operation
  public boolean claim() {
    return chunk.claim();
  }

  /** The runner starts an attempt of the current item. */
  @Operation(nonParallelGroup = "runner")
  public long beginAttempt() {
    return chunk.beginAttempt();
  }

  /** The runner ends its attempt: whether its alarm fired. */
  @Operation(nonParallelGroup = "runner")
  public boolean endAttempt() {
    return chunk.endAttempt();
  }

  /** The timer fires the alarm of attempt {@code id}. */
  @Operation
  public void timeOut(@Param(name = "attempt") long id) {
    chunk.timeOut(id);
  }

  /** Whether an alarm has interrupted the runner so far. */
  @Operation
  public boolean runnerInterrupted() {
    return runner.isInterrupted();
  }

  @Test
  void claimAndTheTimeoutProtocolAreLinearizableUnderModelChecking() {
    new ModelCheckingOptions()
        .iterations(Stress.scaled(10, 50))
        .invocationsPerIteration(Stress.scaled(300, 3_000))
        .threads(3)
        .actorsPerThread(3)
        .check(ChunkLincheckTest.class);
  }

  @Test
  void claimAndTheTimeoutProtocolAreLinearizableUnderStress() {
    new StressOptions()
        .iterations(Stress.scaled(10, 50))
        .invocationsPerIteration(Stress.scaled(500, 5_000))
        .threads(3)
        .actorsPerThread(4)
        .check(ChunkLincheckTest.class);
  }
}
