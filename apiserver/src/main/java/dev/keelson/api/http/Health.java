package dev.keelson.api.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * {@code /livez}, {@code /readyz} and {@code /healthz} as kube-apiserver serves them: "ok", or
 * with {@code ?verbose} one {@code [+]name ok} / {@code [-]name failed} line per check;
 * {@code ?exclude=name} skips a check; {@code /readyz/<name>} runs one.
 */
public final class Health {
  private final Map<String, BooleanSupplier> live = new LinkedHashMap<>();
  private final Map<String, BooleanSupplier> ready = new LinkedHashMap<>();

  /** Adds a check to livez (and readyz); {@code readyOnly} adds it to readyz alone. */
  public Health check(String name, boolean readyOnly, BooleanSupplier ok) {
    if (!readyOnly) {
      live.put(name, ok);
    }
    ready.put(name, ok);
    return this;
  }

  void serve(String[] segs, Fields q, Response res, Callback cb) {
    String endpoint = segs[0];
    Map<String, BooleanSupplier> checks = endpoint.equals("livez") ? live : ready;
    if (segs.length >= 2) {
      // one check, whose name may hold slashes: /readyz/poststarthook/rbac/bootstrap-roles
      String name = String.join("/", java.util.Arrays.copyOfRange(segs, 1, segs.length));
      BooleanSupplier one = checks.get(name);
      if (one == null) {
        write(res, cb, 404, "404 page not found\n");
        return;
      }
      boolean ok = one.getAsBoolean();
      write(res, cb, ok ? 200 : 500, ok ? "ok" : "internal server error: " + name
          + " failed\n");
      return;
    }
    List<String> exclude = q.getValues("exclude");
    StringBuilder out = new StringBuilder();
    boolean allOk = true;
    for (Map.Entry<String, BooleanSupplier> c : checks.entrySet()) {
      if (exclude != null && exclude.contains(c.getKey())) {
        out.append("[+]").append(c.getKey()).append(" excluded: ok\n");
        continue;
      }
      boolean ok;
      try {
        ok = c.getValue().getAsBoolean();
      } catch (RuntimeException e) {
        ok = false;
      }
      allOk &= ok;
      out.append(ok ? "[+]" : "[-]").append(c.getKey()).append(ok ? " ok\n" : " failed: reason "
          + "withheld\n");
    }
    boolean verbose = q.get("verbose") != null;
    if (allOk) {
      write(res, cb, 200, verbose ? out + endpoint + " check passed\n" : "ok");
    } else {
      write(res, cb, 500, out + endpoint + " check failed\n");
    }
  }

  private static void write(Response res, Callback cb, int code, String body) {
    res.setStatus(code);
    res.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    res.getHeaders().put("X-Content-Type-Options", "nosniff");
    res.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), cb);
  }
}
