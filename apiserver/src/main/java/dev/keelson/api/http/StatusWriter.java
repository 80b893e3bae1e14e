package dev.keelson.api.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.api.registry.ApiException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** The one place where refusals become Kubernetes {@code Status} objects. */
final class StatusWriter {
  private StatusWriter() {}

  static ObjectNode status(ObjectMapper json, ApiException e) {
    ObjectNode s = json.createObjectNode();
    s.put("kind", "Status");
    s.put("apiVersion", "v1");
    s.putObject("metadata");
    s.put("status", "Failure");
    s.put("message", e.getMessage());
    s.put("reason", e.reason());
    if (e.name() != null || e.kind() != null || !e.causes().isEmpty()
        || e.retryAfterSeconds() > 0) {
      ObjectNode d = s.putObject("details");
      if (e.name() != null) {
        d.put("name", e.name());
      }
      if (e.group() != null) {
        d.put("group", e.group());
      }
      if (e.kind() != null) {
        d.put("kind", e.kind());
      }
      if (!e.causes().isEmpty()) {
        ArrayNode causes = d.putArray("causes");
        for (ApiException.Cause c : e.causes()) {
          ObjectNode cn = causes.addObject();
          cn.put("reason", c.reason());
          cn.put("message", c.message());
          cn.put("field", c.field());
        }
      }
      if (e.retryAfterSeconds() > 0) {
        d.put("retryAfterSeconds", e.retryAfterSeconds());
      }
    }
    s.put("code", e.code());
    return s;
  }

  static void write(Response response, Callback callback, ObjectMapper json, ApiException e) {
    byte[] body;
    try {
      body = json.writeValueAsBytes(status(json, e));
    } catch (java.io.IOException io) {
      body = ("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":"
          + e.code() + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    if (response.isCommitted()) {
      callback.failed(e);
      return;
    }
    response.setStatus(e.code());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    if (e.retryAfterSeconds() > 0) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, Integer.toString(e.retryAfterSeconds()));
    }
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
