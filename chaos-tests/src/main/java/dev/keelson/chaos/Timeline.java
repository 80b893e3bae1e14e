package dev.keelson.chaos;

import dev.keelson.chaos.history.Call;
import dev.keelson.chaos.history.Op;
import dev.keelson.chaos.nemesis.Nemesis;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The run as one HTML page with inline SVG: for each workload, every completed operation as a
 * dot at its completion time and latency (log scale; green ok, red fail, orange info), under
 * the fault windows (shaded, labelled).
 */
final class Timeline {
  private static final int WIDTH = 1200;
  private static final int LEFT = 70;
  private static final int PANEL = 180;
  private static final int GAP = 40;
  private static final double MIN_MS = 1;
  private static final double MAX_MS = 10_000;

  private Timeline() {}

  static String html(String title, Map<String, List<Op>> histories, List<Nemesis.Event> faults) {
    long end = 1;
    for (List<Op> h : histories.values()) {
      for (Op op : h) {
        end = Math.max(end, op.nanos());
      }
    }
    for (Nemesis.Event e : faults) {
      end = Math.max(end, e.nanos());
    }
    double seconds = end / 1e9;
    int height = GAP + histories.size() * (PANEL + GAP);
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' "
        + "height='%d' font-family='sans-serif' font-size='11'>%n", WIDTH, height));
    windows(svg, faults, seconds, height);
    int top = GAP;
    for (Map.Entry<String, List<Op>> e : histories.entrySet()) {
      panel(svg, e.getKey(), e.getValue(), seconds, top);
      top += PANEL + GAP;
    }
    svg.append("</svg>\n");
    return "<!doctype html><html><head><meta charset='utf-8'><title>" + escape(title)
        + "</title></head><body><h2>" + escape(title) + "</h2>\n" + svg
        + "<p>Dots: operations at their completion time, height = latency (log scale). Green ok,"
        + " red fail, orange info (outcome unknown). Shaded: fault windows.</p></body></html>\n";
  }

  private static double x(double s, double seconds) {
    return LEFT + (WIDTH - LEFT - 20) * s / seconds;
  }

  private static void windows(StringBuilder svg, List<Nemesis.Event> faults, double seconds,
      int height) {
    Map<String, Nemesis.Event> open = new HashMap<>();
    List<double[]> spans = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (Nemesis.Event e : faults) {
      String id = e.fault() + " " + e.detail();
      if (e.phase().equals("start")) {
        open.put(id, e);
      } else if (open.containsKey(id)) {
        Nemesis.Event s = open.remove(id);
        spans.add(new double[] {s.nanos() / 1e9, e.nanos() / 1e9});
        labels.add(id);
      }
    }
    for (Nemesis.Event s : open.values()) {
      spans.add(new double[] {s.nanos() / 1e9, seconds});
      labels.add(s.fault() + " " + s.detail());
    }
    for (int i = 0; i < spans.size(); i++) {
      double x0 = x(spans.get(i)[0], seconds);
      double x1 = x(spans.get(i)[1], seconds);
      svg.append(String.format(Locale.ROOT, "<rect x='%.1f' y='%d' width='%.1f' height='%d' "
          + "fill='#f4c7c3' opacity='0.6'/>%n", x0, 14, Math.max(1, x1 - x0), height - 14));
      svg.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d'>%s</text>%n", x0 + 2,
          12 + (i % 2) * 0, escape(labels.get(i))));
    }
  }

  private static void panel(StringBuilder svg, String name, List<Op> history, double seconds,
      int top) {
    svg.append(String.format(Locale.ROOT, "<text x='4' y='%d' font-weight='bold'>%s</text>%n",
        top - 6, escape(name)));
    svg.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='%d' height='%d' "
        + "fill='none' stroke='#999'/>%n", LEFT, top, WIDTH - LEFT - 20, PANEL));
    for (double ms = MIN_MS; ms <= MAX_MS; ms *= 10) {
      double y = y(ms, top);
      svg.append(String.format(Locale.ROOT, "<line x1='%d' x2='%d' y1='%.1f' y2='%.1f' "
          + "stroke='#ddd'/><text x='4' y='%.1f'>%s ms</text>%n", LEFT, WIDTH - 20, y, y, y + 4,
          ms >= 1000 ? (int) ms : (int) ms));
    }
    for (int s = 0; s <= seconds; s += Math.max(1, (int) (seconds / 10))) {
      svg.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d'>%d s</text>%n",
          x(s, seconds) - 8, top + PANEL + 14, s));
    }
    for (Call c : Call.pair(history)) {
      if (c.completion() == null) {
        continue;
      }
      double ms = (c.completion().nanos() - c.invoke().nanos()) / 1e6;
      String color = switch (c.outcome()) {
        case OK -> "#2a9d4a";
        case FAIL -> "#d62728";
        default -> "#ff9f1c";
      };
      svg.append(String.format(Locale.ROOT, "<circle cx='%.1f' cy='%.1f' r='1.5' fill='%s'/>%n",
          x(c.completion().nanos() / 1e9, seconds), y(ms, top), color));
    }
  }

  private static double y(double ms, int top) {
    double clamped = Math.max(MIN_MS, Math.min(MAX_MS, ms));
    double f = Math.log10(clamped / MIN_MS) / Math.log10(MAX_MS / MIN_MS);
    return top + PANEL - f * PANEL;
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
