package dev.keelson.admission.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.admission.AdmissionRequest;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls webhooks: POSTs an AdmissionReview to the webhook's URL (or its Service's address) with
 * {@code ?timeout=<n>s} as kube-apiserver does, and reads the answer. A call is started, then
 * awaited, so that validating webhooks run in parallel; each is bounded by its webhook's
 * timeoutSeconds from its start, reading the body included, and an answer is at most
 * {@link #MAX_RESPONSE_BYTES}.
 */
final class Caller {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SHOWN_BODY = 256;
  /** The largest answer read: a patch of the largest object (1.5 MiB), base64, with room. */
  static final int MAX_RESPONSE_BYTES = 8 << 20;

  /** A call under way. */
  interface Pending {
    /** The webhook's answer, or {@link CallFailure} for anything else. */
    Reviews.Reply await() throws CallFailure;
  }

  private final Clients clients;
  private final ServiceResolver resolver;

  Caller(Clients clients, ServiceResolver resolver) {
    this.clients = clients;
    this.resolver = resolver;
  }

  /** Sends {@code r} to {@code w}; a {@code mutating} webhook may answer with a patch. */
  Pending start(Webhook w, AdmissionRequest r, boolean mutating) {
    String uid = UUID.randomUUID().toString();
    URI url;
    HttpClient client;
    byte[] body;
    try {
      ClientConfig config = w.client();
      URI base = config.url() != null ? config.url() : resolver.resolve(config.service());
      url = URI.create(base + "?timeout=" + w.timeout().toSeconds() + "s");
      client = clients.get(config.clientKey());
      body = JSON.writeValueAsBytes(Reviews.request(r, uid));
    } catch (CallFailure f) {
      return () -> {
        throw f;
      };
    } catch (JsonProcessingException e) {
      CallFailure f = new CallFailure("could not create admission objects: " + e.getMessage());
      return () -> {
        throw f;
      };
    }
    HttpRequest request = HttpRequest.newBuilder(url)
        .timeout(w.timeout())
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .header("User-Agent", "keelson-apiserver-admission")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    long deadline = System.nanoTime() + w.timeout().toNanos();
    CompletableFuture<HttpResponse<byte[]>> call =
        client.sendAsync(request, LimitedBody.atMost(MAX_RESPONSE_BYTES));
    return () -> Reviews.reply(responseBody(call, url, deadline), uid, mutating);
  }

  private static byte[] responseBody(CompletableFuture<HttpResponse<byte[]>> call, URI url,
      long deadline) throws CallFailure {
    String post = "failed to call webhook: Post \"" + url + "\": ";
    HttpResponse<byte[]> response;
    try {
      response = call.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      call.cancel(true);
      throw new CallFailure(post + "context deadline exceeded");
    } catch (InterruptedException e) {
      call.cancel(true);
      Thread.currentThread().interrupt();
      throw new CallFailure(post + "context canceled");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof HttpTimeoutException) {
        throw new CallFailure(post + "context deadline exceeded");
      }
      throw new CallFailure(post + describe(e.getCause()));
    }
    int status = response.statusCode();
    if (status < 200 || status > 299) {
      String shown = new String(response.body(), StandardCharsets.UTF_8);
      if (shown.length() > SHOWN_BODY) {
        shown = shown.substring(0, SHOWN_BODY) + "...";
      }
      throw new CallFailure("failed to call webhook: the server responded with the status code "
          + status + (shown.isBlank() ? " but did not return more information"
              : ": " + shown.strip()));
    }
    return response.body();
  }

  /**
   * The most specific message along the cause chain, e.g. a TLS failure's; the JDK's refused
   * connections carry none, so they are described as Go describes them.
   */
  private static String describe(Throwable t) {
    String message = null;
    boolean refused = false;
    for (Throwable c = t; c != null && message == null; c = c.getCause()) {
      if (c.getMessage() != null && !c.getMessage().isBlank()) {
        message = c.getMessage();
      }
      refused |= c instanceof ConnectException;
    }
    if (message != null) {
      return message;
    }
    return refused ? "connect: connection refused" : t.getClass().getSimpleName();
  }
}
