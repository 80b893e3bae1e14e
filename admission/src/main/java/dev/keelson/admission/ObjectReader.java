package dev.keelson.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * How admission plugins read the objects they decide on (namespaces, service accounts, limit
 * ranges): the master's own view, as fresh as a quorum read where it matters. Objects are
 * fresh copies the caller may keep.
 */
public interface ObjectReader {
  /**
   * One object; {@code group} is "" for the core group, {@code namespace} "" for
   * cluster-scoped resources.
   */
  Optional<ObjectNode> get(String group, String resource, String namespace, String name);

  /**
   * Every object of a resource in {@code namespace} ("" for cluster-scoped resources, null for
   * all namespaces), from this master's cache: it may lag the store by a moment, and is empty for
   * a resource this master does not serve.
   */
  List<ObjectNode> list(String group, String resource, String namespace);
}
