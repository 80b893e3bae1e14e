package dev.keelson.chaos.history;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One line of a history: a client's invocation of an operation, or how it ended.
 *
 * <p>Every operation appears twice, with the same {@code process}: first as {@link Type#INVOKE},
 * then as {@link Type#OK} (it happened, with this result), {@link Type#FAIL} (it certainly did
 * not happen) or {@link Type#INFO} (the outcome is unknown: a write that timed out may still have
 * happened, at any time after its invocation). A process runs one operation at a time; after an
 * {@code info} it takes a new process number, as in Jepsen, because its old operation may still
 * be in flight.
 *
 * @param index position in the history, from 0
 * @param process the client that ran it
 * @param type what this line records
 * @param f the operation: {@code read}, {@code write}, {@code cas} (register), {@code add},
 *     {@code read-all} (set)
 * @param key the register or set the operation works on
 * @param value read: the value read (completion only; null when the key is absent); write: the
 *     value written; cas: the new value; add: the element
 * @param expected cas: the value compared against
 * @param succeeded cas completion: whether the compare held
 * @param elements read-all completion: the elements read
 * @param nanos monotonic time of this line (System.nanoTime based, same origin in one run)
 * @param revision the store revision the reply carried, when there was one
 * @param error the error text of a fail or info
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Op(long index, int process, Type type, String f, String key, Long value,
    Long expected, Boolean succeeded, List<Long> elements, long nanos, Long revision,
    String error) {

  /** What a history line records. */
  public enum Type { INVOKE, OK, FAIL, INFO }

  public Op {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(f, "f");
    if (index < 0) {
      throw new IllegalArgumentException("index must not be negative: " + index);
    }
  }

  @JsonIgnore
  public boolean isInvoke() {
    return type == Type.INVOKE;
  }

  /** A short text for reports: {@code 12 p3 ok cas k1 2->5 true}. */
  public String describe() {
    StringBuilder b = new StringBuilder().append(index).append(" p").append(process).append(' ')
        .append(type.name().toLowerCase(Locale.ROOT)).append(' ').append(f);
    if (key != null) {
      b.append(' ').append(key);
    }
    if (expected != null) {
      b.append(' ').append(expected).append("->").append(value);
    } else if (value != null || (type == Type.OK && "read".equals(f))) {
      b.append(' ').append(value == null ? "nil" : value);
    }
    if (succeeded != null) {
      b.append(' ').append(succeeded);
    }
    if (elements != null) {
      b.append(' ').append(elements.size()).append(" elements");
    }
    if (error != null) {
      b.append(" (").append(error).append(')');
    }
    return b.toString();
  }
}
