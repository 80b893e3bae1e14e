package dev.keelson.api.registry.apply;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of {@link FieldPath}s kept as a trie: each node says whether its own path is in the set
 * (a "member") and holds the nodes below it. A path can be a member while paths below it are
 * members too: in {@code fieldsV1} that node is written with a {@code "."} entry.
 *
 * <p>Sets are values: the operations return new sets and never change their operands. Removing
 * a path ({@link #difference}) leaves the paths below it; {@link #recursiveDifference} removes
 * them too. Empty nodes are never kept, so two sets with the same paths are {@code equals}.
 */
final class FieldSet {
  private static final FieldSet EMPTY = new FieldSet();

  private boolean member;
  private final TreeMap<PathElement, FieldSet> children = new TreeMap<>();

  private FieldSet() {}

  public static FieldSet empty() {
    return EMPTY;
  }

  public static FieldSet of(FieldPath... paths) {
    FieldSet s = new FieldSet();
    for (FieldPath p : paths) {
      s.add(p);
    }
    return s;
  }

  /** Builds a set; the builder must not be used after {@link Builder#build()}. */
  static Builder builder() {
    return new Builder();
  }

  /** Collects paths into a new set. */
  static final class Builder {
    private FieldSet set = new FieldSet();

    Builder add(FieldPath p) {
      set.add(p);
      return this;
    }

    FieldSet build() {
      FieldSet out = set.isEmpty() ? EMPTY : set;
      set = null;
      return out;
    }
  }

  private void add(FieldPath p) {
    if (p.isRoot()) {
      throw new IllegalArgumentException("the root is never a member");
    }
    FieldSet n = this;
    for (PathElement e : p.elements()) {
      n = n.children.computeIfAbsent(e, k -> new FieldSet());
    }
    n.member = true;
  }

  public boolean isEmpty() {
    return !member && children.isEmpty();
  }

  /** True when {@code p} itself is a member. */
  public boolean has(FieldPath p) {
    FieldSet n = at(p);
    return n != null && n.member;
  }

  /** True when {@code p} or any path below it is a member. */
  public boolean hasAtOrBelow(FieldPath p) {
    FieldSet n = at(p);
    return n != null && !n.isEmpty();
  }

  /** The subtree at {@code p} (its members relative to {@code p}); null when there is none. */
  FieldSet at(FieldPath p) {
    FieldSet n = this;
    for (PathElement e : p.elements()) {
      n = n.children.get(e);
      if (n == null) {
        return null;
      }
    }
    return n;
  }

  /** True when this node's own path is a member. */
  boolean isMember() {
    return member;
  }

  /** The nodes one step below, in path order. */
  Map<PathElement, FieldSet> children() {
    return Collections.unmodifiableMap(children);
  }

  public FieldSet union(FieldSet o) {
    if (o.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return o;
    }
    FieldSet out = new FieldSet();
    out.member = member || o.member;
    children.forEach((e, c) -> out.children.put(e, c));
    o.children.forEach((e, c) -> out.children.merge(e, c, FieldSet::union));
    return out;
  }

  public FieldSet intersection(FieldSet o) {
    FieldSet out = new FieldSet();
    out.member = member && o.member;
    children.forEach((e, c) -> {
      FieldSet oc = o.children.get(e);
      if (oc != null) {
        FieldSet i = c.intersection(oc);
        if (!i.isEmpty()) {
          out.children.put(e, i);
        }
      }
    });
    return out.isEmpty() ? EMPTY : out;
  }

  /** The members of this set that are not members of {@code o}; paths below them stay. */
  public FieldSet difference(FieldSet o) {
    if (o.isEmpty()) {
      return this;
    }
    FieldSet out = new FieldSet();
    out.member = member && !o.member;
    children.forEach((e, c) -> {
      FieldSet oc = o.children.get(e);
      FieldSet d = oc == null ? c : c.difference(oc);
      if (!d.isEmpty()) {
        out.children.put(e, d);
      }
    });
    return out.isEmpty() ? EMPTY : out;
  }

  /** The members of this set that are neither members of {@code o} nor below one of them. */
  public FieldSet recursiveDifference(FieldSet o) {
    if (o.isEmpty()) {
      return this;
    }
    FieldSet out = new FieldSet();
    out.member = member && !o.member;
    children.forEach((e, c) -> {
      FieldSet oc = o.children.get(e);
      if (oc != null && oc.member) {
        return;
      }
      FieldSet d = oc == null ? c : c.recursiveDifference(oc);
      if (!d.isEmpty()) {
        out.children.put(e, d);
      }
    });
    return out.isEmpty() ? EMPTY : out;
  }

  /** Every member, parents before children, siblings in path-element order. */
  public List<FieldPath> paths() {
    List<FieldPath> out = new ArrayList<>();
    collect(FieldPath.ROOT, out);
    return out;
  }

  private void collect(FieldPath at, List<FieldPath> out) {
    if (member) {
      out.add(at);
    }
    children.forEach((e, c) -> c.collect(at.child(e), out));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FieldSet s && member == s.member && children.equals(s.children);
  }

  @Override
  public int hashCode() {
    return Boolean.hashCode(member) * 31 + children.hashCode();
  }

  @Override
  public String toString() {
    return paths().toString();
  }
}
