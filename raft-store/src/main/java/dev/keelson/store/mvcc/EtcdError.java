package dev.keelson.store.mvcc;

import io.grpc.Status;

/**
 * The errors of etcd's v3 API that Keelson reproduces, each with the gRPC code and the exact
 * message etcd sends (etcd's {@code api/v3rpc/rpctypes}), so that clients that match on
 * either keep working.
 */
public enum EtcdError {
  EMPTY_KEY(Status.Code.INVALID_ARGUMENT, "etcdserver: key is not provided"),
  KEY_NOT_FOUND(Status.Code.INVALID_ARGUMENT, "etcdserver: key not found"),
  VALUE_PROVIDED(Status.Code.INVALID_ARGUMENT, "etcdserver: value is provided"),
  LEASE_PROVIDED(Status.Code.INVALID_ARGUMENT, "etcdserver: lease is provided"),
  TOO_MANY_OPS(Status.Code.INVALID_ARGUMENT, "etcdserver: too many operations in txn request"),
  DUPLICATE_KEY(Status.Code.INVALID_ARGUMENT, "etcdserver: duplicate key given in txn request"),
  REQUEST_TOO_LARGE(Status.Code.INVALID_ARGUMENT, "etcdserver: request is too large"),
  COMPACTED(Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision has been compacted"),
  FUTURE_REV(Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision is a future revision"),
  LEASE_NOT_FOUND(Status.Code.NOT_FOUND, "etcdserver: requested lease not found"),
  LEASE_EXIST(Status.Code.FAILED_PRECONDITION, "etcdserver: lease already exists"),
  LEASE_TTL_TOO_LARGE(Status.Code.OUT_OF_RANGE, "etcdserver: too large lease TTL"),
  /** Internal: an expiry lost the race with a renewal; never sent to a client. */
  LEASE_RENEWED(Status.Code.UNAVAILABLE, "etcdserver: request timed out"),
  NO_LEADER(Status.Code.UNAVAILABLE, "etcdserver: no leader"),
  LEADER_CHANGED(Status.Code.UNAVAILABLE,
      "etcdserver: leader changed"),
  TIMEOUT(Status.Code.UNAVAILABLE, "etcdserver: request timed out"),
  STOPPED(Status.Code.UNAVAILABLE, "etcdserver: server stopped"),
  NOT_CAPABLE(Status.Code.UNAVAILABLE, "etcdserver: not capable");

  private final Status.Code code;
  private final String message;

  EtcdError(Status.Code code, String message) {
    this.code = code;
    this.message = message;
  }

  public Status.Code code() {
    return code;
  }

  public String message() {
    return message;
  }

  public EtcdException exception() {
    return new EtcdException(this);
  }
}
