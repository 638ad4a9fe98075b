package dev.parmap.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parmap.InputFailedException;
import dev.parmap.TestAccess;
import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The feed alone: the window, the in-flight cap, and the failures of reading and launching. */
class FeedTest {
  private final List<RuntimeException> reported = new ArrayList<>();
  private final StopFlag stop = new StopFlag();
  private final PoolWork work = new PoolWork();
  private final PoolTimer timer = new PoolTimer("feed-test-");
  private final PoolContext pool =
      new PoolContext(
          "Pool.test",
          new Launcher.Virtual("feed-test-worker-", 2, 64, null),
          "feed-test-",
          10,
          timer,
          work,
          Ticker.SYSTEM,
          TestAccess.types());

  private final Feed.Call call =
      new Feed.Call() {
        @Override
        public void fail(RuntimeException report, Throwable cause) {
          reported.add(report);
          stop.raise();
        }

        @Override
        public boolean isStopped() {
          return stop.isRaised();
        }
      };

  @AfterEach
  void endTimer() {
    timer.shutdown();
  }

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  private Dispatch dispatch(Work work) {
    ItemRunner.Control control =
        new ItemRunner.Control() {
          @Override
          public void failFast() {
            stop.raise();
          }

          @Override
          public void stopNow() {
            stop.raise();
          }
        };
    ItemRunner items =
        new ItemRunner(work, null, false, TestAccess.types(), List.of(), control, stop);
    return new Dispatch(pool, items, false, stop);
  }

  private Feed feed(Input input, Sink sink, Dispatch dispatch, Mode mode) {
    return new Feed(
        input,
        sink,
        new ChunkSizer(2, 64),
        dispatch,
        Feed.window(input, sink, mode, pool.window()),
        mode == Mode.LIST,
        new CallReports("Pool.test", TestAccess.types()),
        pool.description(),
        call);
  }

  private static void drain(Dispatch dispatch, Feed feed) throws InterruptedException {
    while (dispatch.inFlight() > 0) {
      dispatch.await(TimeUnit.SECONDS.toNanos(30), Integer.MAX_VALUE);
      Chunk chunk;
      while ((chunk = dispatch.nextCompleted()) != null) {
        chunk.completed = true;
        feed.completed(chunk);
      }
    }
  }

  @Test
  void theWindowBoundsOnlyCallsThatHoldItemsOrResultsOfTheirOwn() {
    Input list = new Input(range(100));
    assertThat(Feed.window(list, Sink.of(Mode.LIST, list), Mode.LIST, 10))
        .as("map over a random-access list: its items and results are in memory anyway")
        .isEqualTo(Long.MAX_VALUE);
    Input each = new Input(range(100));
    assertThat(Feed.window(each, Sink.of(Mode.FOR_EACH, each), Mode.FOR_EACH, 10))
        .isEqualTo(Long.MAX_VALUE);
    Input streamed = new Input(range(100));
    assertThat(Feed.window(streamed, Sink.of(Mode.ORDERED, streamed), Mode.ORDERED, 10))
        .as("a stream buffers results of its own")
        .isEqualTo(10);
    Input linked = new Input(new LinkedList<>(range(100)));
    assertThat(Feed.window(linked, Sink.of(Mode.LIST, linked), Mode.LIST, 10))
        .as("items read through an iterator are held by the call")
        .isEqualTo(10);
  }

  @Test
  void noMoreItemsAreReadThanTheWindowUntilSomeAreHandedOver() throws Exception {
    Input input = new Input(new LinkedList<>(range(100)));
    Sink sink = Sink.of(Mode.LIST, input);
    Dispatch dispatch = dispatch(item -> item);
    Feed feed = feed(input, sink, dispatch, Mode.LIST);
    // Chunks complete, but their items are not handed over yet: they stay in the window.
    List<Chunk> held = new ArrayList<>();
    do {
      while (feed.hasRoom()) {
        assertThat(feed.launchNext()).isNotNull();
      }
      while (dispatch.inFlight() > 0) {
        dispatch.await(TimeUnit.SECONDS.toNanos(30), Integer.MAX_VALUE);
        Chunk chunk;
        while ((chunk = dispatch.nextCompleted()) != null) {
          chunk.completed = true;
          held.add(chunk);
        }
      }
    } while (feed.hasRoom());
    assertThat(input.nextIndex()).as("items read with no room left").isEqualTo(10);
    for (Chunk chunk : held) {
      feed.completed(chunk);
    }
    assertThat(feed.hasRoom()).as("handed-over items left the window").isTrue();
    while (!input.exhausted()) {
      while (feed.hasRoom()) {
        feed.launchNext();
      }
      drain(dispatch, feed);
    }
    assertThat(input.nextIndex()).isEqualTo(100);
    assertThat(reported).isEmpty();
  }

  @Test
  void aFailingInputFailsTheCallWithTheFrontEndsInputFailureAtItsIndex() throws Exception {
    Input input = new Input(InputTest.failingAt(3));
    Dispatch dispatch = dispatch(item -> item);
    Feed feed = feed(input, Sink.of(Mode.ORDERED, input), dispatch, Mode.ORDERED);
    while (feed.hasRoom() && !call.isStopped()) {
      feed.launchNext();
    }
    drain(dispatch, feed);
    assertThat(reported).singleElement().isInstanceOf(InputFailedException.class);
    InputFailedException failure = (InputFailedException) reported.get(0);
    assertThat(failure.index()).isEqualTo(3);
    assertThat(failure.getCause()).hasMessage("cannot read #3");
  }

  @Test
  void aChunkLaunchedAfterThePoolClosedFailsTheCallSayingSo() throws Exception {
    Input input = new Input(new LinkedList<>(range(5)));
    Dispatch dispatch = dispatch(item -> item);
    Feed feed = feed(input, Sink.of(Mode.LIST, input), dispatch, Mode.LIST);
    dispatch.detachAndAwaitQuiescence(); // what closing the pool does to its calls
    assertThat(feed.launchNext()).isNull();
    drain(dispatch, feed);
    assertThat(reported)
        .singleElement()
        .satisfies(e -> assertThat(e).hasMessageContaining("the pool was closed"));
  }
}
