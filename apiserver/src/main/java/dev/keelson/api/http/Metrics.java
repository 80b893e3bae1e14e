package dev.keelson.api.http;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.DoubleSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** The master's Prometheus metrics, named as kube-apiserver names its own where they match. */
public final class Metrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests = Counter.builder().name("apiserver_request_total")
      .help("Requests by verb, resource and HTTP code.")
      .labelNames("verb", "resource", "code").register(registry);
  private final Histogram latency = Histogram.builder()
      .name("apiserver_request_duration_seconds")
      .help("Time to answer a request (for watches: to start streaming).")
      .labelNames("verb", "resource")
      .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
      .register(registry);

  /** A gauge read at scrape time. */
  public Metrics gauge(String name, String help, DoubleSupplier value) {
    Gauge g = Gauge.builder().name(name).help(help).build();
    registry.register(() -> {
      g.set(value.getAsDouble());
      return g.collect();
    });
    return this;
  }

  void observe(String verb, String resource, int code, long nanos) {
    requests.labelValues(verb, resource, Integer.toString(code)).inc();
    latency.labelValues(verb, resource).observe(nanos / 1e9);
  }

  void serve(Response res, Callback cb) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    res.setStatus(200);
    res.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
    res.write(true, ByteBuffer.wrap(out.toByteArray()), cb);
  }
}
