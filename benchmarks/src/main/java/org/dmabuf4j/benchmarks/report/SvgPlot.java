package org.dmabuf4j.benchmarks.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * A hand-written SVG line plot: one or more panels stacked vertically, each with its own axes (logarithmic or linear),
 * lines with markers, horizontal reference lines and a legend to the right.
 *
 * <pre>
 *   +------------------------------+   legend
 *   | panel 1 (e.g. cost, log-log) |   ── library path (filled circles)
 *   +------------------------------+   - - floor (open squares)
 *   | panel 2 (e.g. ratio, linear) |
 *   +------------------------------+
 * </pre>
 *
 * Library paths are drawn solid with filled circles, baselines ("floors") dashed, thinner and lighter, with open
 * squares, so a library line lying on its floor stays visible as two different marks.
 */
final class SvgPlot {
    static final int WIDTH = 1100;
    private static final int LEFT = 90;
    private static final int RIGHT = 430;
    private static final int PANEL_GAP = 70;
    private static final int TOP = 50;

    /** How a line is drawn. */
    enum Style {
        /** A library path: solid, filled circles. */
        PATH,
        /** A floor or baseline: dashed, open squares. */
        FLOOR
    }

    /**
     * One point.
     *
     * @param x the x value (positive on a log axis)
     * @param y the y value
     * @param tip the tooltip
     */
    record Point(double x, double y, String tip) {
    }

    /**
     * One line of a panel.
     *
     * @param label its legend text
     * @param colour its colour
     * @param style how it is drawn
     * @param points its points, in x order
     */
    record Line(String label, String colour, Style style, List<Point> points) {
    }

    /**
     * A horizontal reference line.
     *
     * @param y its value
     * @param label its text, drawn at its right end
     * @param colour its colour
     */
    record Level(double y, String label, String colour) {
    }

    /**
     * An axis.
     *
     * @param title the axis title
     * @param log whether the axis is logarithmic (one grid line per decade)
     * @param ticks formats a tick value
     */
    record Axis(String title, boolean log, DoubleFunction<String> ticks) {
    }

    /**
     * One panel.
     *
     * @param title the panel title
     * @param x the x axis
     * @param y the y axis
     * @param height the plot area's height in pixels
     * @param lines the lines
     * @param levels the reference lines
     * @param empty what to say if no line has a point
     */
    record Panel(String title, Axis x, Axis y, int height, List<Line> lines, List<Level> levels, String empty) {
    }

    private SvgPlot() {
    }

    /**
     * Draws the panels into one SVG document.
     *
     * @param title the document title
     * @param panels the panels, top to bottom
     * @return the SVG text
     */
    static String render(String title, List<Panel> panels) {
        int height = TOP;
        for (Panel p : panels) {
            height += p.height() + PANEL_GAP;
        }
        height += 10;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, height, WIDTH,
                height));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(text(WIDTH / 2.0 - RIGHT / 2.0, 26, title, "middle", 16, "bold"));
        int top = TOP;
        for (Panel p : panels) {
            panel(svg, p, top);
            top += p.height() + PANEL_GAP;
        }
        return svg.append("</svg>\n").toString();
    }

    /** A mapping of values onto pixels p0..p1. */
    private record Scale(boolean log, double lo, double hi, double p0, double p1) {
        static Scale of(boolean log, double min, double max, double p0, double p1) {
            double lo;
            double hi;
            if (log) {
                lo = Math.floor(Math.log10(min));
                hi = Math.ceil(Math.log10(max));
            } else {
                lo = Math.min(0, min);
                hi = niceCeiling(max);
            }
            if (hi <= lo) {
                hi = lo + 1;
            }
            return new Scale(log, lo, hi, p0, p1);
        }

        double pixel(double v) {
            double t = log ? (Math.log10(v) - lo) / (hi - lo) : (v - lo) / (hi - lo);
            return p0 + t * (p1 - p0);
        }

        List<Double> ticks() {
            List<Double> out = new ArrayList<>();
            if (log) {
                for (int e = (int) lo; e <= (int) hi; e++) {
                    out.add(Math.pow(10, e));
                }
            } else {
                double step = niceStep((hi - lo) / 5);
                for (double v = lo; v <= hi + step / 1000; v += step) {
                    out.add(v);
                }
            }
            return out;
        }

        private static double niceCeiling(double v) {
            double step = niceStep(v / 5);
            return Math.ceil(v / step) * step;
        }

        private static double niceStep(double raw) {
            if (raw <= 0) {
                return 1;
            }
            double mag = Math.pow(10, Math.floor(Math.log10(raw)));
            double f = raw / mag;
            return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * mag;
        }
    }

    private static void panel(StringBuilder svg, Panel p, int top) {
        int bottom = top + p.height();
        int right = WIDTH - RIGHT;
        svg.append(text(LEFT, top - 10, p.title(), "start", 13, "bold"));
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (Line l : p.lines()) {
            for (Point pt : l.points()) {
                if (usable(pt.x(), p.x().log()) && usable(pt.y(), p.y().log())) {
                    minX = Math.min(minX, pt.x());
                    maxX = Math.max(maxX, pt.x());
                    minY = Math.min(minY, pt.y());
                    maxY = Math.max(maxY, pt.y());
                }
            }
        }
        if (minX > maxX) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                    + "stroke=\"#333\"/>%n", LEFT, top, right - LEFT, p.height()));
            svg.append(text((LEFT + right) / 2.0, (top + bottom) / 2.0, p.empty(), "middle", 14, "normal"));
            return;
        }
        for (Level lv : p.levels()) {
            minY = Math.min(minY, lv.y());
            maxY = Math.max(maxY, lv.y());
        }
        Scale x = Scale.of(p.x().log(), minX, maxX, LEFT, right);
        Scale y = Scale.of(p.y().log(), minY, maxY, bottom, top);
        for (double v : x.ticks()) {
            double px = x.pixel(v);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
                    + "stroke=\"#ddd\"/>%n", px, top, px, bottom));
            svg.append(text(px, bottom + 18, p.x().ticks().apply(v), "middle", 12, "normal"));
        }
        for (double v : y.ticks()) {
            double py = y.pixel(v);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
                    + "stroke=\"#ddd\"/>%n", LEFT, py, right, py));
            svg.append(text(LEFT - 8, py + 4, p.y().ticks().apply(v), "end", 12, "normal"));
        }
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#333\"/>%n", LEFT, top, right - LEFT, p.height()));
        svg.append(text((LEFT + right) / 2.0, bottom + 40, p.x().title(), "middle", 13, "normal"));
        double mid = (top + bottom) / 2.0;
        svg.append(String.format(Locale.ROOT, "<text x=\"22\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"13\" "
                + "transform=\"rotate(-90 22 %.1f)\">%s</text>%n", mid, mid, escape(p.y().title())));
        for (Level lv : p.levels()) {
            double py = y.pixel(lv.y());
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" "
                    + "stroke-width=\"1.5\" stroke-dasharray=\"2 3\"/>%n", LEFT, py, right, py, lv.colour()));
            svg.append(text(right - 4, py - 4, lv.label(), "end", 11, "normal"));
        }
        for (Line l : p.lines()) {
            line(svg, l, x, y, p);
        }
        legend(svg, p.lines(), top);
    }

    private static boolean usable(double v, boolean log) {
        return !Double.isNaN(v) && !Double.isInfinite(v) && (!log || v > 0);
    }

    private static void line(StringBuilder svg, Line l, Scale x, Scale y, Panel p) {
        boolean floor = l.style() == Style.FLOOR;
        String stroke = floor ? " stroke-width=\"1.5\" stroke-dasharray=\"7 4\" stroke-opacity=\"0.75\""
                : " stroke-width=\"2.5\"";
        StringBuilder path = new StringBuilder();
        List<Point> drawn = new ArrayList<>();
        for (Point pt : l.points()) {
            if (usable(pt.x(), p.x().log()) && usable(pt.y(), p.y().log())) {
                drawn.add(pt);
                path.append(path.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%.1f,%.1f",
                        x.pixel(pt.x()), y.pixel(pt.y())));
            }
        }
        if (drawn.size() > 1) {
            svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\"%s/>%n", path,
                    l.colour(), stroke));
        }
        for (Point pt : drawn) {
            svg.append(marker(x.pixel(pt.x()), y.pixel(pt.y()), l, pt.tip()));
        }
    }

    private static String marker(double px, double py, Line l, String tip) {
        if (l.style() == Style.FLOOR) {
            return String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"9\" height=\"9\" fill=\"white\" "
                    + "stroke=\"%s\" stroke-width=\"1.5\"><title>%s</title></rect>%n", px - 4.5, py - 4.5, l.colour(),
                    escape(tip));
        }
        return String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"><title>%s</title>"
                + "</circle>%n", px, py, l.colour(), escape(tip));
    }

    private static void legend(StringBuilder svg, List<Line> lines, int top) {
        double lx = WIDTH - RIGHT + 20;
        double ly = top + 8;
        for (Line l : lines) {
            if (l.points().isEmpty()) {
                continue;
            }
            boolean floor = l.style() == Style.FLOOR;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                    + "stroke=\"%s\"%s/>%n", lx, ly, lx + 30, ly, l.colour(), floor
                    ? " stroke-width=\"1.5\" stroke-dasharray=\"7 4\"" : " stroke-width=\"2.5\""));
            svg.append(marker(lx + 15, ly, l, l.label()));
            svg.append(text(lx + 38, ly + 4, l.label(), "start", 12, "normal"));
            ly += 20;
        }
    }

    /**
     * A time in nanoseconds at a decade, for tick labels.
     *
     * @param ns the value
     * @return e.g. {@code 10 ns}, {@code 1 µs}
     */
    static String decadeNanos(double ns) {
        String[] units = {"ns", "µs", "ms", "s"};
        int exponent = (int) Math.round(Math.log10(ns));
        if (exponent < 0) {
            return "1e" + exponent + " ns";
        }
        int u = Math.min(exponent / 3, units.length - 1);
        return (long) Math.pow(10, exponent - 3 * u) + " " + units[u];
    }

    /**
     * A byte count at a decade, for tick labels.
     *
     * @param bytes the value
     * @return e.g. {@code 10 kB}
     */
    static String decimalBytes(double bytes) {
        String[] names = {"1 B", "10 B", "100 B", "1 kB", "10 kB", "100 kB", "1 MB", "10 MB", "100 MB", "1 GB",
            "10 GB", "100 GB"};
        int exponent = (int) Math.round(Math.log10(bytes));
        return exponent >= 0 && exponent < names.length ? names[exponent] : "1e" + exponent + " B";
    }

    /**
     * A count at a decade, for tick labels.
     *
     * @param n the value
     * @return e.g. {@code 1}, {@code 1 k}, {@code 1 M}
     */
    static String decimalCount(double n) {
        String[] names = {"1", "10", "100", "1 k", "10 k", "100 k", "1 M", "10 M", "100 M"};
        int exponent = (int) Math.round(Math.log10(n));
        return exponent >= 0 && exponent < names.length ? names[exponent] : "1e" + exponent;
    }

    /**
     * A linear tick value.
     *
     * @param v the value
     * @return e.g. {@code 1.5×}
     */
    static String factorTick(double v) {
        return Check.factor(v);
    }

    private static String text(double x, double y, String s, String anchor, int size, String weight) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\" "
                + "font-weight=\"%s\">%s</text>%n", x, y, anchor, size, weight, escape(s));
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
