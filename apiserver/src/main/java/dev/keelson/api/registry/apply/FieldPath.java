package dev.keelson.api.registry.apply;

import java.util.ArrayList;
import java.util.List;

/**
 * A path from the root of an object to one node, printed as Kubernetes prints it in conflicts:
 * {@code .spec.template.spec.containers[name="nginx"].image}.
 */
record FieldPath(List<PathElement> elements) {
  public static final FieldPath ROOT = new FieldPath(List.of());

  public FieldPath {
    elements = List.copyOf(elements);
  }

  /** A path of struct fields or map keys only. */
  public static FieldPath of(String... fields) {
    List<PathElement> out = new ArrayList<>();
    for (String f : fields) {
      out.add(new PathElement.Field(f));
    }
    return new FieldPath(out);
  }

  public FieldPath child(PathElement e) {
    List<PathElement> out = new ArrayList<>(elements);
    out.add(e);
    return new FieldPath(out);
  }

  public boolean isRoot() {
    return elements.isEmpty();
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    elements.forEach(b::append);
    return b.toString();
  }
}
