package dev.keelson.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.ObjectReader;
import java.net.URI;
import java.util.Optional;

/**
 * Turns a webhook's {@code clientConfig.service} into the URL it is called at. Masters run no
 * service proxy, so a ready endpoint is preferred: the first ready address of the Service's
 * Endpoints whose port carries the name of the Service port numbered {@code service.port}.
 * Without one, the Service's cluster IP (on {@code service.port}), or for an ExternalName
 * Service its external name. The server must still prove the Service's DNS name (see
 * {@link Clients}).
 */
final class ServiceResolver {
  private final ObjectReader reader;

  ServiceResolver(ObjectReader reader) {
    this.reader = reader;
  }

  /** The URL to call; throws {@link CallFailure} when the Service cannot be reached. */
  URI resolve(ClientConfig.Service s) throws CallFailure {
    ObjectNode service = reader.get("", "services", s.namespace(), s.name())
        .orElseThrow(() -> failure("service \"" + s.name() + "\" not found"));
    JsonNode spec = service.path("spec");
    if (spec.path("type").asText("").equals("ExternalName")) {
      return url(spec.path("externalName").asText(""), s.port(), s.path());
    }
    JsonNode servicePort = null;
    for (JsonNode p : spec.path("ports")) {
      if (p.path("port").asInt(-1) == s.port()) {
        servicePort = p;
        break;
      }
    }
    if (servicePort == null) {
      throw failure("no service port " + s.port() + " found for service \"" + s.name() + "\"");
    }
    Optional<URI> endpoint = endpoint(s, servicePort.path("name").asText(""));
    if (endpoint.isPresent()) {
      return endpoint.get();
    }
    String clusterIp = spec.path("clusterIP").asText("");
    if (!clusterIp.isEmpty() && !clusterIp.equals("None")) {
      return url(clusterIp, s.port(), s.path());
    }
    throw failure("no endpoints available for service \"" + s.name() + "\"");
  }

  private Optional<URI> endpoint(ClientConfig.Service s, String portName) throws CallFailure {
    Optional<ObjectNode> endpoints = reader.get("", "endpoints", s.namespace(), s.name());
    if (endpoints.isEmpty()) {
      return Optional.empty();
    }
    for (JsonNode subset : endpoints.get().path("subsets")) {
      for (JsonNode port : subset.path("ports")) {
        if (!port.path("name").asText("").equals(portName)) {
          continue;
        }
        for (JsonNode address : subset.path("addresses")) {
          String ip = address.path("ip").asText("");
          if (!ip.isEmpty()) {
            return Optional.of(url(ip, port.path("port").asInt(), s.path()));
          }
        }
      }
    }
    return Optional.empty();
  }

  private static URI url(String host, int port, String path) throws CallFailure {
    if (host.isEmpty()) {
      throw failure("service has no address");
    }
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    try {
      return URI.create("https://" + h + ":" + port + path);
    } catch (IllegalArgumentException e) {
      throw failure("bad service address " + host + ": " + e.getMessage());
    }
  }

  private static CallFailure failure(String why) {
    return new CallFailure("failed to call webhook: " + why);
  }
}
