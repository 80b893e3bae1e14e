package dev.keelson.api.registry.apply;

import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Collections;
import java.util.SortedMap;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * One step of a path into an object, as structured-merge-diff names it. Its three forms and how
 * they appear in {@code fieldsV1} and in conflict messages:
 *
 * <pre>
 *   Field  a struct field or map key       f:replicas                  .replicas
 *   Key    a list item, by its key fields  k:{"name":"nginx"}          [name="nginx"]
 *   Value  an item of a set of scalars     v:"kubernetes"              [="kubernetes"]
 * </pre>
 *
 * Scalars are held as canonical JSON text, so 80 read as an int and 80 read as a long are the
 * same key. Elements sort as structured-merge-diff sorts them: fields, then keys, then values.
 */
sealed interface PathElement extends Comparable<PathElement>
    permits PathElement.Field, PathElement.Key, PathElement.Value {

  /** The element as a {@code fieldsV1} key ({@code f:}, {@code k:} or {@code v:} prefixed). */
  String encode();

  /** Sort rank of the element's form. */
  int rank();

  @Override
  default int compareTo(PathElement o) {
    int byRank = Integer.compare(rank(), o.rank());
    return byRank != 0 ? byRank : encode().compareTo(o.encode());
  }

  /** A struct field or map key. */
  record Field(String name) implements PathElement {
    public Field {
      if (name == null) {
        throw new IllegalArgumentException("a field needs a name");
      }
    }

    @Override
    public String encode() {
      return "f:" + name;
    }

    @Override
    public int rank() {
      return 0;
    }

    @Override
    public String toString() {
      return "." + name;
    }
  }

  /** A list item named by the values of its key fields (name to canonical JSON). */
  record Key(SortedMap<String, String> fields) implements PathElement {
    public Key {
      if (fields.isEmpty()) {
        throw new IllegalArgumentException("a key needs at least one field");
      }
      fields = Collections.unmodifiableSortedMap(new TreeMap<>(fields));
    }

    @Override
    public String encode() {
      StringJoiner j = new StringJoiner(",", "k:{", "}");
      fields.forEach((k, v) -> j.add(TextNode.valueOf(k).toString() + ":" + v));
      return j.toString();
    }

    @Override
    public int rank() {
      return 1;
    }

    @Override
    public String toString() {
      StringJoiner j = new StringJoiner(",", "[", "]");
      fields.forEach((k, v) -> j.add(k + "=" + v));
      return j.toString();
    }
  }

  /** An item of a set-like list of scalars, as canonical JSON. */
  record Value(String json) implements PathElement {
    @Override
    public String encode() {
      return "v:" + json;
    }

    @Override
    public int rank() {
      return 2;
    }

    @Override
    public String toString() {
      return "[=" + json + "]";
    }
  }
}
