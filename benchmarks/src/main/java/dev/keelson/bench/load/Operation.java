package dev.keelson.bench.load;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.function.Consumer;

/** One kind of request a closed-loop client sends, asynchronously. */
interface Operation {
  /**
   * Sends the request for {@code ticket} on client {@code client}'s connection and calls
   * {@code done} exactly once when it ended, with OK or the failure's status code. Must not
   * block.
   */
  void send(int client, Ticket ticket, Done done);

  /** How an operation ended. */
  interface Done {
    void done(Status.Code code);
  }

  /**
   * A unary call's observer: hands the response to {@code onResponse}, then reports the end.
   */
  static <T> StreamObserver<T> observer(Consumer<T> onResponse, Done done) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T response) {
        onResponse.accept(response);
      }

      @Override
      public void onError(Throwable t) {
        done.done(Status.fromThrowable(t).getCode());
      }

      @Override
      public void onCompleted() {
        done.done(Status.Code.OK);
      }
    };
  }
}
