package dev.keelson.bench.rest;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A list response's body counted as it arrives ({@link ListCounter}); completes with the
 * summary once the last byte is parsed.
 */
final class ListSubscriber implements HttpResponse.BodySubscriber<ListCounter.ListSummary> {
  private final ListCounter counter = new ListCounter();
  private final CompletableFuture<ListCounter.ListSummary> body = new CompletableFuture<>();
  private Flow.Subscription subscription;

  @Override
  public CompletionStage<ListCounter.ListSummary> getBody() {
    return body;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> pieces) {
    try {
      for (ByteBuffer b : pieces) {
        counter.feed(b);
      }
    } catch (IOException | RuntimeException e) {
      subscription.cancel();
      body.completeExceptionally(e);
      return;
    }
    subscription.request(1);
  }

  @Override
  public void onError(Throwable t) {
    body.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    try {
      body.complete(counter.finish());
    } catch (IOException | RuntimeException e) {
      body.completeExceptionally(e);
    }
  }
}
