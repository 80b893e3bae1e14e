package dev.keelson.store.mvcc;

/** A request that etcd would refuse, carrying which {@link EtcdError} it is. */
public final class EtcdException extends RuntimeException {
  private final EtcdError error;

  public EtcdException(EtcdError error) {
    super(error.message(), null, false, false);
    this.error = error;
  }

  public EtcdError error() {
    return error;
  }
}
