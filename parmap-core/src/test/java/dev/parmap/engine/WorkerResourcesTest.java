package dev.parmap.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The per-worker resources of one call, alone: taking, reusing, giving back, closing. */
class WorkerResourcesTest {

  /** Resources numbered in creation order; closes recorded; a close of {@code failOn} throws. */
  static final class Numbered implements ResourceWork {
    final List<Integer> closed = new ArrayList<>();
    int created;
    int failOn = -1;
    @Nullable Exception factoryFailure;

    @Override
    public Object create() throws Exception {
      Exception failure = factoryFailure;
      if (failure != null) {
        throw failure;
      }
      return created++;
    }

    @Override
    public @Nullable Object apply(Object resource, @Nullable Object item) {
      return resource + ":" + item;
    }

    @Override
    public void close(Object resource) throws IOException {
      closed.add((Integer) resource);
      if (resource.equals(failOn)) {
        throw new IOException("close of " + resource);
      }
    }
  }

  private static Chunk chunk() {
    return new Chunk(0, 1, new Object[] {"x"}, null, 0);
  }

  @Test
  void aChunkTakesAResourceAtItsFirstItemAndKeepsItForTheRest() throws Exception {
    Numbered work = new Numbered();
    WorkerResources resources = new WorkerResources(work);
    Chunk chunk = chunk();
    assertThat(resources.run("a", 0, chunk)).isEqualTo("0:a");
    assertThat(resources.run("b", 1, chunk)).isEqualTo("0:b");
    assertThat(chunk.resource).isEqualTo(0);
    assertThat(resources.created()).isEqualTo(1);
  }

  @Test
  void aResourceGivenBackIsReusedAndANewOneIsCreatedOnlyWhenNoneIsIdle() throws Exception {
    Numbered work = new Numbered();
    WorkerResources resources = new WorkerResources(work);
    Chunk first = chunk();
    Chunk second = chunk();
    resources.run("a", 0, first);
    resources.run("b", 1, second); // both held at once: two resources
    resources.release(first);
    assertThat(first.resource).isNull();
    Chunk third = chunk();
    assertThat(resources.run("c", 2, third)).isEqualTo("0:c"); // reused
    assertThat(resources.created()).isEqualTo(2);
  }

  @Test
  void closeAllClosesTheIdleOnesAndAResourceGivenBackAfterwardsIsClosedAtOnce() throws Exception {
    Numbered work = new Numbered();
    WorkerResources resources = new WorkerResources(work);
    Chunk held = chunk();
    Chunk idle = chunk();
    resources.run("a", 0, held);
    resources.run("b", 1, idle);
    resources.release(idle);
    assertThat(resources.closeAll()).isNull();
    assertThat(work.closed).containsExactly(1);
    resources.release(held); // a chunk the call gave up on, ending late
    assertThat(work.closed).containsExactly(1, 0);
    assertThatThrownBy(() -> resources.run("c", 2, chunk()))
        .isInstanceOf(IllegalStateException.class);
    assertThat(resources.closeAll()).isNull(); // again: nothing more
  }

  @Test
  void closeFailuresAreReportedOnceTheFirstWithTheOthersSuppressed() throws Exception {
    Numbered work = new Numbered();
    WorkerResources resources = new WorkerResources(work);
    List<Chunk> chunks = List.of(chunk(), chunk(), chunk());
    for (Chunk chunk : chunks) {
      resources.run("x", 0, chunk);
    }
    chunks.forEach(resources::release);
    work.failOn = 1;
    Throwable failure = resources.closeAll();
    assertThat(failure).hasMessage("close of 1");
    assertThat(work.closed).containsExactlyInAnyOrder(0, 1, 2); // the others closed too
    assertThat(resources.closeAll()).isNull();
  }

  @Test
  void closeFailuresOfClosingIdleAreKeptForTheNextCloseAll() throws Exception {
    Numbered work = new Numbered();
    work.failOn = 0;
    WorkerResources resources = new WorkerResources(work);
    Chunk chunk = chunk();
    resources.run("x", 0, chunk);
    resources.release(chunk);
    resources.closeIdle();
    assertThat(work.closed).containsExactly(0);
    assertThat(resources.closeAll()).hasMessage("close of 0");
  }

  @Test
  void aFactoryThatThrowsFailsTheAttemptAndCreatesNothing() {
    Numbered work = new Numbered();
    work.factoryFailure = new IOException("no");
    WorkerResources resources = new WorkerResources(work);
    Chunk chunk = chunk();
    assertThatThrownBy(() -> resources.run("x", 0, chunk)).hasMessage("no");
    assertThat(chunk.resource).isNull();
    assertThat(resources.created()).isZero();
    resources.release(chunk); // nothing held: nothing to do
    assertThat(resources.closeAll()).isNull();
  }

  @Test
  void withoutResourceWorkEverythingIsANoOp() {
    WorkerResources none = new WorkerResources(null);
    assertThat(none.exist()).isFalse();
    none.release(chunk());
    assertThat(none.closeAll()).isNull();
    assertThat(none.created()).isZero();
  }

  @Test
  void appliedAsPlainWorkAResourceWorkUsesAResourceOfItsOwn() throws Exception {
    Numbered work = new Numbered();
    assertThat(work.apply("a")).isEqualTo("0:a");
    assertThat(work.closed).containsExactly(0);
    work.failOn = 1;
    assertThatThrownBy(() -> work.apply("b")).hasMessage("close of 1");
  }
}
