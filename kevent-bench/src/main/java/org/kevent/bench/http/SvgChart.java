package org.kevent.bench.http;

import java.util.List;
import java.util.Locale;
import org.kevent.bench.support.Spread;

/**
 * The chart of {@code kevent bench http}, hand-written SVG: one row per server-thread count, six
 * small panels in it — req/s, then server CPU µs per request, for each workload, each panel on its
 * own scale — with a bar per server (median over rounds, whiskers from min to max). A server keeps
 * its colour whichever servers were loaded.
 */
final class SvgChart {
    private static final List<String> KEYS = List.of(Contender.EVSERVER, "netty-nio", Contender.NETTY_EPOLL,
            "netty-io_uring", "nio-selector", "virtual-threads", Contender.C_FLOOR, "c-reference",
            Contender.EVSERVER_AIO, Contender.EVSERVER_VTHREADS, Contender.EVSERVER_BASELINE, Contender.NETTY_KEVENT,
            Contender.EVSERVER_PORTABLE);
    private static final String[] COLORS = {"#d62728", "#9467bd", "#1f77b4", "#17becf", "#2ca02c", "#bcbd22",
            "#7f7f7f", "#8c564b", "#ff7f0e", "#e377c2", "#ff9896", "#98df8a", "#c5b0d5"};
    private static final int PANEL_W = 190;
    private static final int PANEL_H = 220;
    private static final int LEFT = 60;
    private static final int TOP = 70;
    private static final int GAP_X = 60;
    private static final int ROW_H = PANEL_H + 70;

    private SvgChart() {
    }

    static String render(List<Figures> all, String note) {
        int loads = all.isEmpty() ? Workload.ALL.length : all.getFirst().workloads.size();
        int panels = 2 * loads;
        int width = LEFT + panels * (PANEL_W + GAP_X);
        int height = TOP + all.size() * ROW_H + 10;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", width, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        text(svg, LEFT, 20, "kevent bench http — wrk plaintext over loopback; " + note, "start", 13);
        legend(svg, all.isEmpty() ? List.of() : all.getFirst().servers);
        for (int row = 0; row < all.size(); row++) {
            Figures f = all.get(row);
            int y = TOP + row * ROW_H + 30;
            String t = f.threads + " thr";
            for (int w = 0; w < f.workloads.size(); w++) {
                String title = f.workloads.get(w).title();
                int x = LEFT + w * (PANEL_W + GAP_X);
                panel(svg, f, Figures.Measure.REQ_PER_S, w, x, y, t + ", " + title + ": req/s ↑");
                x = LEFT + (f.workloads.size() + w) * (PANEL_W + GAP_X);
                panel(svg, f, Figures.Measure.CPU_PER_REQ, w, x, y, t + ", " + title + ": CPU µs/req ↓");
            }
        }
        return svg.append("</svg>\n").toString();
    }

    private static String color(Contender c) {
        int k = KEYS.indexOf(c.key());
        return COLORS[(k < 0 ? COLORS.length - 1 : k) % COLORS.length];
    }

    private static void legend(StringBuilder svg, List<Contender> servers) {
        int x = LEFT;
        for (Contender c : servers) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"34\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
                    x, color(c)));
            text(svg, x + 16, 45, c.name(), "start", 12);
            x += 30 + 7 * c.name().length();
        }
    }

    private static void panel(StringBuilder svg, Figures f, Figures.Measure m, int w, int x, int y, String title) {
        text(svg, x, y - 8, title, "start", 11);
        double top = 0;
        for (int s = 0; s < f.servers.size(); s++) {
            Spread sp = f.spread(m, s, w);
            if (Double.isFinite(sp.max())) {
                top = Math.max(top, sp.max());
            }
        }
        top = niceCeiling(top);
        for (int k = 0; k <= 5; k++) {
            double v = top * k / 5;
            double gy = y + PANEL_H - PANEL_H * k / 5.0;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                    x, gy, x + PANEL_W, gy));
            text(svg, x - 4, gy + 4, label(v), "end", 10);
        }
        int n = Math.max(1, f.servers.size());
        double barW = (PANEL_W - 10.0) / n;
        for (int s = 0; s < f.servers.size(); s++) {
            Spread sp = f.spread(m, s, w);
            if (!Double.isFinite(sp.median()) || top <= 0) {
                continue;
            }
            double bx = x + 5 + s * barW;
            double h = PANEL_H * sp.median() / top;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                    + "fill=\"%s\"><title>%s: %s</title></rect>%n", bx + 1, y + PANEL_H - h, barW - 2, h,
                    color(f.servers.get(s)), f.servers.get(s).name(), label(sp.median())));
            double cx = bx + barW / 2;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                    + "stroke=\"black\"/>%n", cx, y + PANEL_H - PANEL_H * sp.min() / top, cx,
                    y + PANEL_H - PANEL_H * sp.max() / top));
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
