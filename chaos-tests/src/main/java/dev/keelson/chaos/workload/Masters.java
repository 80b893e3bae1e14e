package dev.keelson.chaos.workload;

import io.grpc.Channel;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

/**
 * How the workloads reach the cluster: for each master, its name, a channel to its etcd API and
 * the URL of its Kubernetes API; and the directory with the certificates an API client
 * authenticates with ({@code ca.crt}, {@code admin.crt}, {@code admin.key}).
 */
public record Masters(List<String> ids, List<Channel> channels, List<URI> api, Path pki) {
  public Masters {
    ids = List.copyOf(ids);
    channels = List.copyOf(channels);
    api = List.copyOf(api);
    if (ids.size() != channels.size() || ids.size() != api.size()) {
      throw new IllegalArgumentException("one id, channel and API URL per master");
    }
  }

  public int size() {
    return ids.size();
  }

  /** An etcd client on master {@code i}, each call with {@code timeout}. */
  public EtcdClient etcd(int i, Duration timeout) {
    return new EtcdClient(channels.get(i), ids.get(i), timeout);
  }

  /** One etcd client per master, in order. */
  public List<EtcdClient> etcd(Duration timeout) {
    return IntStream.range(0, size()).mapToObj(i -> etcd(i, timeout)).toList();
  }
}
