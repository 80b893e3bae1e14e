package dev.keelson.chaos.workload;

import dev.keelson.chaos.history.Recorder;
import java.time.Duration;
import java.util.List;

/**
 * A workload whose clients use the etcd API: each worker gets an etcd client on master
 * worker mod n with a short deadline; what runs beside them and the final reads get one client
 * per master with a longer one.
 */
interface EtcdWorkload extends Workload<EtcdClient> {
  Duration CLIENT_TIMEOUT = Duration.ofSeconds(2);
  Duration ADMIN_TIMEOUT = Duration.ofSeconds(5);

  @Override
  default EtcdClient client(Masters masters, int worker) {
    return masters.etcd(worker % masters.size(), CLIENT_TIMEOUT);
  }

  @Override
  default void start(Masters masters, Recorder clock) {
    start(masters.etcd(ADMIN_TIMEOUT), clock);
  }

  /** As {@link #start(Masters, Recorder)}, with one etcd client per master. */
  default void start(List<EtcdClient> masters, Recorder clock) {}

  @Override
  default void finish(Masters masters, Recorder history, int process) {
    finish(masters.etcd(ADMIN_TIMEOUT), history, process);
  }

  /** As {@link #finish(Masters, Recorder, int)}, with one etcd client per master. */
  void finish(List<EtcdClient> clients, Recorder history, int process);
}
