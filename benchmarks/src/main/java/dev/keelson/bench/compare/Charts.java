package dev.keelson.bench.compare;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** SVG line charts, written by hand: throughput against clients, latency distributions. */
final class Charts {
  static final Map<String, String> COLOURS = Map.of("keelson", "#1f77b4", "etcd", "#d62728");
  private static final int W = 640;
  private static final int H = 360;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 40;
  private static final int BOTTOM = 50;

  private Charts() {}

  record Series(String name, List<double[]> points) {}

  /** Writes every chart; returns the file names written. */
  static List<String> write(Map<String, Map<String, JsonNode>> runs, Path dir) throws IOException {
    List<String> files = new ArrayList<>();
    List<Series> thr = new ArrayList<>();
    for (String sys : Headlines.SYSTEMS) {
      List<double[]> pts = new ArrayList<>();
      runs.get(sys).forEach((run, r) -> {
        if (run.startsWith("put-leader-c")) {
          pts.add(new double[] {Double.parseDouble(run.substring("put-leader-c".length())),
              r.path("throughput").asDouble()});
        }
      });
      pts.sort((a, b) -> Double.compare(a[0], b[0]));
      thr.add(new Series(sys, pts));
    }
    files.add(save(dir, "put-throughput-vs-clients.svg", line(
        "put throughput against clients (256 B values, to the leader)", "clients", "puts/s",
        thr, false)));
    for (Headlines.Def d : Headlines.DEFS) {
      List<Series> dist = new ArrayList<>();
      for (String sys : Headlines.SYSTEMS) {
        JsonNode r = runs.get(sys).get(d.run());
        if (r == null) {
          continue;
        }
        List<double[]> pts = new ArrayList<>();
        for (JsonNode p : r.path("distribution")) {
          double pct = p.path("percentile").asDouble();
          if (pct < 100) {
            pts.add(new double[] {1 / (1 - pct / 100), p.path("ms").asDouble()});
          }
        }
        dist.add(new Series(sys, pts));
      }
      String what = d.run().startsWith("watch-latency") ? "put reply to event received"
          : d.run().equals("watch") ? "puts, under 1,000 watchers" : "request latency";
      files.add(save(dir, "latency-" + d.run() + ".svg", line("latency distribution: "
          + d.run() + " (" + what + ")", "percentile", "ms", dist, true)));
    }
    return files;
  }

  private static String save(Path dir, String name, String svg) throws IOException {
    Files.writeString(dir.resolve(name), svg, StandardCharsets.UTF_8);
    return name;
  }

  /**
   * A line chart. With {@code percentileAxis} the x values are 1/(1-p) on a log scale, labelled
   * as percentiles (HdrHistogram's way of showing tails).
   */
  static String line(String title, String xLabel, String yLabel, List<Series> series,
      boolean percentileAxis) {
    double xMin = Double.MAX_VALUE;
    double xMax = 0;
    double yMax = 0;
    for (Series s : series) {
      for (double[] p : s.points()) {
        xMin = Math.min(xMin, p[0]);
        xMax = Math.max(xMax, p[0]);
        yMax = Math.max(yMax, p[1]);
      }
    }
    if (xMax == 0) {
      xMin = 1;
      xMax = 10;
    }
    if (yMax == 0) {
      yMax = 1;
    }
    boolean logX = percentileAxis || xMax / Math.max(xMin, 1e-9) > 20;
    double lo = logX ? Math.log10(Math.max(xMin, 1)) : 0;
    double hi = logX ? Math.log10(Math.max(xMax, 10)) : xMax;
    if (hi <= lo) {
      hi = lo + 1;
    }
    double yTop = niceCeil(yMax);
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
        + "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
        W, H, W, H));
    b.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n",
        W, H));
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"14\">%s</text>%n",
        LEFT, esc(title)));
    int pw = W - LEFT - RIGHT;
    int ph = H - TOP - BOTTOM;
    b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
        + "fill=\"none\" stroke=\"#888\"/>%n", LEFT, TOP, pw, ph));
    for (int i = 0; i <= 4; i++) {
      double v = yTop * i / 4;
      double y = TOP + ph - ph * i / 4.0;
      b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
          + "stroke=\"#eee\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
          LEFT, y, LEFT + pw, y, LEFT - 5, y + 4, Headlines.num(v)));
    }
    List<double[]> ticks = new ArrayList<>();
    if (percentileAxis) {
      for (double pct : new double[] {0, 90, 99, 99.9, 99.99, 99.999}) {
        double x = 1 / (1 - pct / 100);
        if (Math.log10(x) <= hi + 1e-9) {
          ticks.add(new double[] {x, pct});
        }
      }
    } else {
      for (Series s : series) {
        for (double[] p : s.points()) {
          ticks.add(new double[] {p[0], p[0]});
        }
      }
    }
    for (double[] t : ticks) {
      double x = xPos(t[0], logX, lo, hi, pw);
      String label = percentileAxis ? trim(t[1]) + "%" : trim(t[1]);
      b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
          + "stroke=\"#eee\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
          x, TOP, x, TOP + ph, x, TOP + ph + 16, esc(label)));
    }
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
        LEFT + pw / 2, H - 10, esc(xLabel)));
    b.append(String.format(Locale.ROOT, "<text x=\"15\" y=\"%d\" transform=\"rotate(-90 15 %d)\" "
        + "text-anchor=\"middle\">%s</text>%n", TOP + ph / 2, TOP + ph / 2, esc(yLabel)));
    int legend = 0;
    for (Series s : series) {
      String colour = COLOURS.getOrDefault(s.name(), "#555");
      StringBuilder path = new StringBuilder();
      for (double[] p : s.points()) {
        path.append(path.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.1f,%.1f",
            xPos(p[0], logX, lo, hi, pw), TOP + ph - ph * Math.min(p[1], yTop) / yTop));
      }
      b.append(String.format(Locale.ROOT, "<polyline class=\"series\" data-name=\"%s\" "
          + "fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
          esc(s.name()), colour, path));
      b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" "
          + "fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>%n", LEFT + 10 + legend * 90, TOP + 8,
          colour, LEFT + 26 + legend * 90, TOP + 18, esc(s.name())));
      legend++;
    }
    return b.append("</svg>\n").toString();
  }

  private static double xPos(double x, boolean logX, double lo, double hi, int pw) {
    double v = logX ? Math.log10(Math.max(x, 1)) : x;
    return LEFT + pw * (v - lo) / (hi - lo);
  }

  private static double niceCeil(double v) {
    double mag = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * mag >= v) {
        return m * mag;
      }
    }
    return 10 * mag;
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  /** One page showing every chart. */
  static String html(List<String> files, Path dir) throws IOException {
    StringBuilder b = new StringBuilder("<!doctype html>\n<html><head><meta charset=\"utf-8\">"
        + "<title>Keelson and etcd, side by side</title></head><body>\n"
        + "<h1>Keelson and etcd, side by side</h1>\n<p>Tables: docs/benchmarks.md.</p>\n");
    for (String f : files) {
      b.append("<div>").append(Files.readString(dir.resolve(f))).append("</div>\n");
    }
    return b.append("</body></html>\n").toString();
  }
}
