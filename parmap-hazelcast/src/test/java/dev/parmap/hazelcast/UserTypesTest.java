package dev.parmap.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.nio.serialization.compact.CompactWriter;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Items and results of a type that is not {@code java.io.Serializable}, registered as a Compact
 * type on the caller and on two worker JVMs, travel through the cluster and back.
 */
class UserTypesTest {

  /** Not Serializable: only its Compact serializer can send it. */
  record Point(int x, int y) {}

  /** The Compact serializer of {@link Point}; workers make it by name. */
  public static final class PointSerializer implements CompactSerializer<Point> {
    public PointSerializer() {}

    @Override
    public Point read(CompactReader reader) {
      return new Point(reader.readInt32("x"), reader.readInt32("y"));
    }

    @Override
    public void write(CompactWriter writer, Point point) {
      writer.writeInt32("x", point.x());
      writer.writeInt32("y", point.y());
    }

    @Override
    public String getTypeName() {
      return "parmap.test.Point";
    }

    @Override
    public Class<Point> getCompactClass() {
      return Point.class;
    }
  }

  @Test
  void itemsAndResultsOfARegisteredCompactTypeRoundTripThroughTheCluster() throws Exception {
    assertThat(Serializable.class.isAssignableFrom(Point.class)).isFalse();
    try (LocalMembers members =
        LocalMembers.start(
            "user-types", 2, List.of("--compact-serializers", PointSerializer.class.getName()))) {
      ClusterConfig config =
          members.clientConfig().toBuilder().compactSerializers(PointSerializer.class).build();
      try (ClusterPool pool = ClusterPool.client(config)) {
        assertThat(pool.awaitMembers(2, Duration.ofSeconds(60))).isTrue();
        List<Point> points = IntStream.range(0, 300).mapToObj(i -> new Point(i, -i)).toList();

        List<Point> swapped = pool.map(points, p -> new Point(p.y(), p.x()));

        assertThat(swapped)
            .isEqualTo(IntStream.range(0, 300).mapToObj(i -> new Point(-i, i)).toList());
        assertThat(pool.map(points, p -> ProcessHandle.current().pid()))
            .as("run on the workers")
            .doesNotContain(ProcessHandle.current().pid());
      }
    }
  }

  @Test
  void aTypeThatIsNeitherSerializableNorRegisteredIsStillRefusedWithItsIndex() {
    UserTypes registered =
        UserTypes.of(ClusterConfig.builder().compactSerializers(PointSerializer.class).build());

    assertThat(registered.isRegistered(new Point(1, 2))).isTrue();
    assertThat(registered.isRegistered(new Object())).isFalse();
    assertThat(registered.isRegistered("a string, Serializable")).isFalse();
    assertThat(UserTypes.NONE.isRegistered(new Point(1, 2))).isFalse();
  }

  @Test
  void workersTakeSerializersByClassName() {
    ClusterConfig config =
        Worker.parse(
                new String[] {
                  "--compact-serializers",
                  PointSerializer.class.getName(),
                  "--data-serializable-factory",
                  "77=" + TestFactory.class.getName()
                },
                java.util.Map.of())
            .config();
    assertThat(config.compactSerializers()).containsExactly(PointSerializer.class);
    assertThat(config.dataSerializableFactories()).containsOnlyKeys(77);
    assertThat(config.toString())
        .contains("compactSerializers=[" + PointSerializer.class.getName() + "]");
    assertThatThrownBy(
            () ->
                Worker.parse(
                    new String[] {"--compact-serializers", "no.such.Type"}, java.util.Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no.such.Type");
    assertThatThrownBy(
            () ->
                ClusterConfig.builder()
                    .dataSerializableFactory(WireTypes.FACTORY_ID, TestFactory.class))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClusterConfig.builder().compactSerializers(String.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a");
  }

  /** A factory for the option test. */
  public static final class TestFactory
      implements com.hazelcast.nio.serialization.DataSerializableFactory {
    public TestFactory() {}

    @Override
    public com.hazelcast.nio.serialization.IdentifiedDataSerializable create(int typeId) {
      throw new IllegalArgumentException("no type " + typeId);
    }
  }
}
