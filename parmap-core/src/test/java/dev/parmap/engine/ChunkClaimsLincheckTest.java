package dev.parmap.engine;

import dev.parmap.testing.Stress;
import java.util.List;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The claims of a chunk's items are linearizable: the runner claims batches from the front ({@code
 * claim}), the driver takes all or half of the unclaimed items from the back ({@code take}), each
 * with one compare-and-set, and every item has exactly one owner. Ranges are returned as lists so
 * that Lincheck compares them by value. Public for Lincheck, which runs the same class on one
 * thread as the sequential specification.
 */
@Tag("stress")
@Param(name = "batch", gen = IntGen.class, conf = "1:4")
public class ChunkClaimsLincheckTest {
  private static final int SIZE = 12;
  private final Chunk chunk = new Chunk(0, SIZE, new Object[SIZE], null, 0);
  private int claimed; // the runner's: the end of its last batch

  /** Public for Lincheck, which makes a fresh instance for every scenario. */
  public ChunkClaimsLincheckTest() {}

  /** The runner claims its next batch: the items it now owns, [from, to). */
  @Operation(nonParallelGroup = "runner")
  public List<Integer> claim(@Param(name = "batch") int batch) {
    int from = claimed;
    claimed = chunk.claim(from, batch);
    return List.of(from, claimed);
  }

  /** The driver takes the back half of the unclaimed items, for a thread that idles. */
  @Operation(nonParallelGroup = "driver")
  public List<Integer> takeHalf() {
    return range(chunk.take(true, 2));
  }

  /** The driver takes every unclaimed item, from a chunk that stalls. */
  @Operation(nonParallelGroup = "driver")
  public List<Integer> takeRest() {
    return range(chunk.take(false, 1));
  }

  private static List<Integer> range(long taken) {
    return taken < 0 ? List.of() : List.of(Chunk.takenFrom(taken), Chunk.takenTo(taken));
  }

  @Test
  void claimsAndTakesAreLinearizableUnderModelChecking() {
    new ModelCheckingOptions()
        .iterations(Stress.scaled(10, 30))
        .invocationsPerIteration(Stress.scaled(300, 1_000))
        .threads(2)
        .actorsPerThread(4)
        .check(ChunkClaimsLincheckTest.class);
  }

  @Test
  void claimsAndTakesAreLinearizableUnderStress() {
    new StressOptions()
        .iterations(Stress.scaled(10, 30))
        .invocationsPerIteration(Stress.scaled(500, 2_000))
        .threads(2)
        .actorsPerThread(4)
        .check(ChunkClaimsLincheckTest.class);
  }
}
