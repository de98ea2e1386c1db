package org.dmabuf4j.benchmarks.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A hand-written SVG line chart of sync cost against region size, both axes logarithmic (one grid line per decade).
 */
final class SvgChart {
    private static final int WIDTH = 1060;
    private static final int HEIGHT = 560;
    private static final int LEFT = 80;
    private static final int RIGHT = 400;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;

    private record Point(double x, double y, String tip) {
    }

    private record Line(ChartSeries series, List<Point> points, double level) {
    }

    private SvgChart() {
    }

    /**
     * Draws the chart.
     *
     * @param results every result of the run
     * @param title the chart title
     * @return the SVG document
     */
    static String render(List<Result> results, String title) {
        List<Line> lines = new ArrayList<>();
        for (ChartSeries s : ChartSeries.values()) {
            List<Point> pts = new ArrayList<>();
            double level = Double.NaN;
            for (Result r : results) {
                if (!s.selector().matches(r)) {
                    continue;
                }
                double ns = r.nanosPerOp();
                String tip = s.label() + (r.params().isEmpty() ? "" : ", " + r.paramText()) + ": " + Units.nanos(ns);
                if (s.bytes() == null) {
                    level = ns;
                    pts.add(new Point(Double.NaN, ns, tip));
                } else {
                    double x = s.bytes().applyAsDouble(r.params());
                    pts.add(new Point(x, ns, tip + " for " + Units.bytes(x)));
                }
            }
            if (!pts.isEmpty()) {
                pts.sort(Comparator.comparingDouble(Point::x));
                lines.add(new Line(s, pts, level));
            }
        }
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(text(WIDTH / 2.0 - RIGHT / 2.0, 28, title, "middle", 16, "bold"));
        double minX = Double.POSITIVE_INFINITY;
        double maxX = 0;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = 0;
        for (Line l : lines) {
            for (Point p : l.points()) {
                if (!Double.isNaN(p.x()) && p.x() > 0) {
                    minX = Math.min(minX, p.x());
                    maxX = Math.max(maxX, p.x());
                }
                if (p.y() > 0) {
                    minY = Math.min(minY, p.y());
                    maxY = Math.max(maxY, p.y());
                }
            }
        }
        if (maxX == 0 || maxY == 0) {
            svg.append(text(WIDTH / 2.0, HEIGHT / 2.0, "no sync results in this run", "middle", 14, "normal"));
            return svg.append("</svg>\n").toString();
        }
        Axis x = new Axis(Math.floor(Math.log10(minX)), Math.ceil(Math.log10(maxX)), LEFT, WIDTH - RIGHT);
        Axis y = new Axis(Math.floor(Math.log10(minY)), Math.ceil(Math.log10(maxY)), HEIGHT - BOTTOM, TOP);
        grid(svg, x, y);
        for (Line l : lines) {
            String dash = l.series().isBaseline() ? " stroke-dasharray=\"6 4\"" : "";
            if (!Double.isNaN(l.level())) {
                double py = y.pixel(l.level());
                svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" "
                        + "stroke-width=\"2\"%s><title>%s</title></line>%n", LEFT, py, WIDTH - RIGHT, py,
                        l.series().colour(), dash, escape(l.points().getFirst().tip())));
                continue;
            }
            StringBuilder path = new StringBuilder();
            for (Point p : l.points()) {
                path.append(path.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%.1f,%.1f",
                        x.pixel(p.x()), y.pixel(p.y())));
            }
            svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" "
                    + "stroke-width=\"2\"%s/>%n", path, l.series().colour(), dash));
            for (Point p : l.points()) {
                svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\">"
                        + "<title>%s</title></circle>%n", x.pixel(p.x()), y.pixel(p.y()), l.series().colour(),
                        escape(p.tip())));
            }
        }
        legend(svg, lines);
        return svg.append("</svg>\n").toString();
    }

    /** A logarithmic axis from 10^lo to 10^hi mapped onto pixels p0..p1. */
    private record Axis(double lo, double hi, double p0, double p1) {
        Axis {
            if (hi <= lo) {
                hi = lo + 1;
            }
        }

        double pixel(double v) {
            return p0 + (Math.log10(v) - lo) / (hi - lo) * (p1 - p0);
        }
    }

    private static void grid(StringBuilder svg, Axis x, Axis y) {
        for (int e = (int) x.lo(); e <= (int) x.hi(); e++) {
            double px = x.pixel(Math.pow(10, e));
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n",
                    px, TOP, px, HEIGHT - BOTTOM));
            svg.append(text(px, HEIGHT - BOTTOM + 18, decimalBytes(e), "middle", 12, "normal"));
        }
        for (int e = (int) y.lo(); e <= (int) y.hi(); e++) {
            double py = y.pixel(Math.pow(10, e));
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                    LEFT, py, WIDTH - RIGHT, py));
            svg.append(text(LEFT - 8, py + 4, decadeNanos(e), "end", 12, "normal"));
        }
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#333\"/>%n", LEFT, TOP, WIDTH - RIGHT - LEFT, HEIGHT - BOTTOM - TOP));
        svg.append(text((LEFT + WIDTH - RIGHT) / 2.0, HEIGHT - 18, "bytes synced (log scale)", "middle", 13, "normal"));
        svg.append(String.format(Locale.ROOT, "<text x=\"18\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"13\" "
                + "transform=\"rotate(-90 18 %.1f)\">time per operation (log scale)</text>%n",
                (TOP + HEIGHT - BOTTOM) / 2.0, (TOP + HEIGHT - BOTTOM) / 2.0));
    }

    private static void legend(StringBuilder svg, List<Line> lines) {
        double lx = WIDTH - RIGHT + 20;
        double ly = TOP + 10;
        for (Line l : lines) {
            String dash = l.series().isBaseline() ? " stroke-dasharray=\"6 4\"" : "";
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                    + "stroke=\"%s\" stroke-width=\"2\"%s/>%n", lx, ly, lx + 28, ly, l.series().colour(), dash));
            svg.append(text(lx + 36, ly + 4, l.series().label(), "start", 12, "normal"));
            ly += 22;
        }
    }

    private static String decadeNanos(int exponent) {
        String[] units = {"ns", "µs", "ms", "s"};
        if (exponent < 0) {
            return "1e" + exponent + " ns";
        }
        int u = Math.min(exponent / 3, units.length - 1);
        return (long) Math.pow(10, exponent - 3 * u) + " " + units[u];
    }

    private static String decimalBytes(int exponent) {
        String[] names = {"1 B", "10 B", "100 B", "1 kB", "10 kB", "100 kB", "1 MB", "10 MB", "100 MB", "1 GB",
                "10 GB", "100 GB"};
        return exponent >= 0 && exponent < names.length ? names[exponent] : "1e" + exponent + " B";
    }

    private static String text(double x, double y, String s, String anchor, int size, String weight) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\" "
                + "font-weight=\"%s\">%s</text>%n", x, y, anchor, size, weight, escape(s));
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
