package dev.keelson.admission.resources;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes resource quantity ("500m", "1.5", "128Mi", "1e3"): an exact decimal value and the
 * suffix family it was written in, which {@link #toString()} writes it back in, as
 * apimachinery's canonical form does (the largest suffix that keeps the number whole; values
 * below one nano round up to 1n).
 */
public record Quantity(BigDecimal value, Format format) implements Comparable<Quantity> {
  /** The suffix family: decimal SI (m, k, M...), binary SI (Ki, Mi...) or an exponent (e3). */
  public enum Format { DECIMAL_SI, BINARY_SI, DECIMAL_EXPONENT }

  public static final Quantity ZERO = new Quantity(BigDecimal.ZERO, Format.DECIMAL_SI);

  private static final Pattern SYNTAX = Pattern.compile(
      "([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E"
          + "|[eE][+-]?[0-9]+)?");
  private static final String[] BINARY = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  private static final String[] DECIMAL = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
  private static final BigInteger THOUSAND = BigInteger.valueOf(1000);
  private static final BigInteger KIBI = BigInteger.valueOf(1024);

  public Quantity {
    if (value == null || format == null) {
      throw new IllegalArgumentException("a quantity needs a value and a format");
    }
  }

  /** Parses a quantity; {@link IllegalArgumentException} says what is wrong with it. */
  public static Quantity parse(String s) {
    Matcher m = s == null ? null : SYNTAX.matcher(s.trim());
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException("quantities must match the regular expression "
          + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    }
    BigDecimal number = new BigDecimal(m.group(1));
    String suffix = m.group(2) == null ? "" : m.group(2);
    if (suffix.isEmpty()) {
      return new Quantity(number, Format.DECIMAL_SI);
    }
    char c = suffix.charAt(0);
    if ((c == 'e' || c == 'E') && suffix.length() > 1) {
      int exp = Integer.parseInt(suffix.substring(1).replace("+", ""));
      if (Math.abs(exp) > 100) {
        throw new IllegalArgumentException("quantity exponent out of range: " + s);
      }
      return new Quantity(number.scaleByPowerOfTen(exp), Format.DECIMAL_EXPONENT);
    }
    for (int i = 1; i < BINARY.length; i++) {
      if (BINARY[i].equals(suffix)) {
        return new Quantity(number.multiply(new BigDecimal(KIBI.pow(i))), Format.BINARY_SI);
      }
    }
    for (int i = 0; i < DECIMAL.length; i++) {
      if (DECIMAL[i].equals(suffix)) {
        return new Quantity(number.scaleByPowerOfTen(3 * i - 9), Format.DECIMAL_SI);
      }
    }
    throw new IllegalArgumentException("unknown quantity suffix in " + s);
  }

  /** Parses {@code s}, or returns null when it is not a quantity. */
  public static Quantity parseOrNull(String s) {
    try {
      return parse(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The sum, written in this quantity's format (the other's, when this one is zero). */
  public Quantity add(Quantity o) {
    Format f = value.signum() == 0 ? o.format : format;
    return new Quantity(value.add(o.value), f);
  }

  public Quantity subtract(Quantity o) {
    return new Quantity(value.subtract(o.value), format);
  }

  public Quantity max(Quantity o) {
    return compareTo(o) >= 0 ? this : o;
  }

  public boolean isZero() {
    return value.signum() == 0;
  }

  @Override
  public int compareTo(Quantity o) {
    return value.compareTo(o.value);
  }

  /** Equal values are equal quantities, whatever their formats ("1Ki" equals "1024"). */
  @Override
  public boolean equals(Object o) {
    return o instanceof Quantity q && value.compareTo(q.value) == 0;
  }

  @Override
  public int hashCode() {
    return value.stripTrailingZeros().hashCode();
  }

  /** The value in thousandths, rounded up (CPU "millicores"). */
  public long milliValue() {
    return value.movePointRight(3).setScale(0, RoundingMode.CEILING).longValueExact();
  }

  @Override
  public String toString() {
    if (value.signum() == 0) {
      return "0";
    }
    String sign = value.signum() < 0 ? "-" : "";
    BigDecimal abs = value.abs();
    if (format == Format.BINARY_SI && abs.stripTrailingZeros().scale() <= 0
        && abs.compareTo(new BigDecimal(KIBI)) >= 0) {
      BigInteger n = abs.toBigIntegerExact();
      int i = 0;
      while (i + 1 < BINARY.length && n.mod(KIBI).signum() == 0) {
        n = n.divide(KIBI);
        i++;
      }
      return sign + n + BINARY[i];
    }
    // whole nanos, rounded up, then the largest power of a thousand that divides them
    BigInteger nanos = abs.movePointRight(9).setScale(0, RoundingMode.CEILING).toBigIntegerExact();
    int i = 0;
    while (i + 1 < DECIMAL.length && nanos.mod(THOUSAND).signum() == 0) {
      nanos = nanos.divide(THOUSAND);
      i++;
    }
    if (format == Format.DECIMAL_EXPONENT) {
      int exp = 3 * i - 9;
      return sign + nanos + (exp == 0 ? "" : "e" + exp);
    }
    return sign + nanos + DECIMAL[i];
  }
}
