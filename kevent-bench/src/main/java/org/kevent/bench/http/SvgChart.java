package org.kevent.bench.http;

import java.util.List;
import java.util.Locale;

/**
 * The chart of {@code kevent bench http}, hand-written SVG: per server-thread count, one panel of
 * req/s and one of server CPU µs per request, a group of bars per workload and a bar per server
 * (median over rounds, whiskers from min to max).
 */
final class SvgChart {
    private static final String[] COLORS = {"#d62728", "#9467bd", "#1f77b4", "#17becf", "#2ca02c", "#bcbd22",
            "#7f7f7f", "#8c564b"};
    private static final int PANEL_W = 560;
    private static final int PANEL_H = 300;
    private static final int LEFT = 70;
    private static final int TOP = 70;
    private static final int GAP = 60;

    private SvgChart() {
    }

    static String render(List<Figures> all, String note) {
        int width = LEFT + 2 * (PANEL_W + GAP);
        int height = TOP + all.size() * (PANEL_H + GAP + 20) + 20;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", width, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        text(svg, LEFT, 20, "kevent bench http — wrk plaintext over loopback; " + note, "start", 13);
        legend(svg, all.isEmpty() ? List.of() : all.getFirst().servers);
        for (int row = 0; row < all.size(); row++) {
            Figures f = all.get(row);
            int y = TOP + row * (PANEL_H + GAP + 20) + 20;
            String t = f.threads + " server thread" + (f.threads == 1 ? "" : "s");
            panel(svg, f, Figures.Measure.REQ_PER_S, LEFT, y, t + ": req/s (higher is better)");
            panel(svg, f, Figures.Measure.CPU_PER_REQ, LEFT + PANEL_W + GAP, y, t + ": server CPU µs/request (lower is better)");
        }
        return svg.append("</svg>\n").toString();
    }

    private static void legend(StringBuilder svg, List<Contender> servers) {
        int x = LEFT;
        for (int s = 0; s < servers.size(); s++) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"34\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
                    x, COLORS[s % COLORS.length]));
            text(svg, x + 16, 45, servers.get(s).name(), "start", 12);
            x += 24 + 7 * servers.get(s).name().length();
        }
    }

    private static void panel(StringBuilder svg, Figures f, Figures.Measure m, int x, int y, String title) {
        text(svg, x, y - 8, title, "start", 13);
        double top = 0;
        for (int s = 0; s < f.servers.size(); s++) {
            for (int w = 0; w < Workload.ALL.length; w++) {
                Figures.Spread sp = f.spread(m, s, w);
                if (Double.isFinite(sp.max())) {
                    top = Math.max(top, sp.max());
                }
            }
        }
        top = niceCeiling(top);
        for (int k = 0; k <= 5; k++) {
            double v = top * k / 5;
            double gy = y + PANEL_H - PANEL_H * k / 5.0;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                    x, gy, x + PANEL_W, gy));
            text(svg, x - 6, gy + 4, label(v), "end", 11);
        }
        int groups = Workload.ALL.length;
        double groupW = (double) PANEL_W / groups;
        int n = Math.max(1, f.servers.size());
        double barW = (groupW - 20) / n;
        for (int w = 0; w < groups; w++) {
            double gx = x + w * groupW + 10;
            text(svg, gx + (groupW - 20) / 2, y + PANEL_H + 16, Workload.ALL[w].title(), "middle", 12);
            for (int s = 0; s < f.servers.size(); s++) {
                Figures.Spread sp = f.spread(m, s, w);
                if (!Double.isFinite(sp.median()) || top <= 0) {
                    continue;
                }
                double bx = gx + s * barW;
                double h = PANEL_H * sp.median() / top;
                svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                        + "fill=\"%s\"><title>%s %s: %s</title></rect>%n", bx + 1, y + PANEL_H - h, barW - 2, h,
                        COLORS[s % COLORS.length], f.servers.get(s).name(), Workload.ALL[w].title(), label(sp.median())));
                double cx = bx + barW / 2;
                svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                        + "stroke=\"black\"/>%n", cx, y + PANEL_H - PANEL_H * sp.min() / top, cx,
                        y + PANEL_H - PANEL_H * sp.max() / top));
            }
        }
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#888\"/>%n", x, y, PANEL_W, PANEL_H));
    }

    /** The smallest 1, 2 or 5 × 10^k at or above {@code v}. */
    private static double niceCeiling(double v) {
        if (v <= 0) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String label(double v) {
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.1f M", v / 1e6);
        }
        if (v >= 1e3) {
            return String.format(Locale.ROOT, "%.0f k", v / 1e3);
        }
        return String.format(Locale.ROOT, v >= 10 ? "%.0f" : "%.1f", v);
    }

    private static void text(StringBuilder svg, double x, double y, String s, String anchor, int size) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>%n",
                x, y, anchor, size, s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")));
    }
}
