package dev.parmap.hazelcast;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Members started by parmap's setup inside the test JVM, on 127.0.0.1, each on its own free port:
 * their tasks run here, so a test can count executions and hold items with latches in static
 * fields. {@link #close()} shuts them all down.
 */
final class InJvmMembers implements AutoCloseable {
  private final String clusterName;
  private final List<String> addresses;
  private final List<HazelcastInstance> instances = new ArrayList<>();

  private InJvmMembers(String clusterName, List<String> addresses) {
    this.clusterName = clusterName;
    this.addresses = List.copyOf(addresses);
  }

  /** Starts {@code count} members with {@code threads} chunk threads each. */
  static InJvmMembers start(String clusterName, int count, int threads) throws IOException {
    List<String> addresses = new ArrayList<>();
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sockets.add(socket);
        addresses.add("127.0.0.1:" + socket.getLocalPort());
      }
    } finally {
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    }
    InJvmMembers members = new InJvmMembers(clusterName, addresses);
    try {
      for (String address : addresses) {
        int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        ClusterConfig config =
            ClusterConfig.builder()
                .clusterName(clusterName)
                .members(addresses)
                .port(port)
                .threads(threads)
                .allowedPackages("dev.parmap")
                .build();
        members.instances.add(
            Hazelcast.newHazelcastInstance(HazelcastSetup.member(config, "member")));
      }
      return members;
    } catch (RuntimeException | Error e) {
      members.close();
      throw e;
    }
  }

  /** A client's config for these members. */
  ClusterConfig.Builder clientConfig() {
    return ClusterConfig.builder()
        .clusterName(clusterName)
        .members(addresses)
        .allowedPackages("dev.parmap");
  }

  @Override
  public void close() {
    for (HazelcastInstance instance : instances) {
      instance.shutdown();
    }
  }
}
