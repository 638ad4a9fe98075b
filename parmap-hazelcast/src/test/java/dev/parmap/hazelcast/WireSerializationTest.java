package dev.parmap.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.example.outside.Payload;
import org.junit.jupiter.api.Test;

class WireSerializationTest {

  private final WireSerialization wire = WireSerialization.of(ClusterConfig.defaults());

  /** A linked list made by hand: each node one level deeper in the stream. */
  static final class Node implements Serializable {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings({"unused", "serial"})
    private final Node next;

    Node(Node next) {
      this.next = next;
    }
  }

  @Test
  void allowListedValuesAndArraysRoundTrip() throws Exception {
    List<Object> list = new ArrayList<>(List.of("a", 1, 2L));
    byte[] message = WireSerialization.write(list, new int[] {1, 2}, new String[] {"x"});

    Object[] read = wire.read(message, 3);

    assertThat(read[0]).isEqualTo(list);
    assertThat((int[]) read[1]).containsExactly(1, 2);
    assertThat((String[]) read[2]).containsExactly("x");
  }

  @Test
  void aClassOutsideTheAllowListIsRefusedByName() throws Exception {
    byte[] message = WireSerialization.write((Object) new Payload[] {new Payload(1)});

    assertThatThrownBy(() -> wire.read(message, 1))
        .isInstanceOf(WireSerialization.Refused.class)
        .hasMessageContaining(Payload.class.getName())
        .hasMessageContaining("not allow-listed");
    assertThat(new WireSerialization(List.of("org.example.")).read(message, 1)[0])
        .isInstanceOf(Payload[].class);
  }

  @Test
  void aGraphDeeperThanTheLimitIsRefused() throws Exception {
    Node node = null;
    for (int i = 0; i < WireSerialization.MAX_DEPTH + 10; i++) {
      node = new Node(node);
    }
    byte[] message = WireSerialization.write(node);

    assertThatThrownBy(() -> wire.read(message, 1))
        .isInstanceOf(WireSerialization.Refused.class)
        .hasMessageContaining("deeper than " + WireSerialization.MAX_DEPTH);
  }

  @Test
  void anArrayLongerThanTheLimitIsRefusedBeforeItIsAllocated() throws Exception {
    byte[] message = WireSerialization.write((Object) new byte[0]);
    // The array's length is the last 4 bytes of the stream: claim one far beyond the limit.
    message[message.length - 1] = (byte) 0xff;
    message[message.length - 2] = (byte) 0xff;
    message[message.length - 3] = (byte) 0xff;
    message[message.length - 4] = (byte) 0x7f;

    assertThatThrownBy(() -> wire.read(message, 1))
        .isInstanceOf(WireSerialization.Refused.class)
        .hasMessageContaining("an array of " + Integer.MAX_VALUE + " elements");
  }
}
