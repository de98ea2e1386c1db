package org.dmabuf4j.benchmarks.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The sync-cost chart ({@code <profile>-sync-cost.svg}): two panels over the bytes a window covers, both axes of the
 * first logarithmic.
 * <ol>
 *   <li>time per begin+end of each library path and per operation of each floor ({@link ChartSeries});</li>
 *   <li>each library path's cost ÷ its floor's at the same size: on a log-log plot a path at 1.01× its floor hides
 *       behind it, here it is a line of its own next to the 1× level.</li>
 * </ol>
 * The coherent path syncs nothing (zero copy): it is placed at its window's size, and says so in its label.
 */
final class SyncCostChart {
    private SyncCostChart() {
    }

    /**
     * Draws the chart.
     *
     * @param results every result of the run
     * @param title the chart title
     * @return the SVG document
     */
    static String render(List<Result> results, String title) {
        List<SvgPlot.Line> costs = new ArrayList<>();
        List<SvgPlot.Level> levels = new ArrayList<>();
        List<SvgPlot.Line> ratios = new ArrayList<>();
        for (ChartSeries s : ChartSeries.values()) {
            List<SvgPlot.Point> pts = new ArrayList<>();
            List<SvgPlot.Point> ratioPts = new ArrayList<>();
            for (Result r : results) {
                if (!s.selector().matches(r)) {
                    continue;
                }
                double ns = r.nanosPerOp();
                String tip = s.label() + (r.params().isEmpty() ? "" : ", " + r.paramText()) + ": " + Units.nanos(ns);
                if (s.bytes() == null) {
                    levels.add(new SvgPlot.Level(ns, s.label() + ": " + Units.nanos(ns), s.colour()));
                    continue;
                }
                double x = s.bytes().applyAsDouble(r.params());
                pts.add(new SvgPlot.Point(x, ns, tip + " for " + Units.bytes(x)));
                ChartSeries floor = s.floor();
                if (floor != null) {
                    Result f = sameParams(results, floor, r);
                    if (f != null) {
                        double ratio = ns / f.nanosPerOp();
                        ratioPts.add(new SvgPlot.Point(x, ratio, s.label() + ", " + r.paramText() + ": "
                                + Units.ratio(ratio) + " " + floor.label().replace("floor: ", "")));
                    }
                }
            }
            pts.sort(Comparator.comparingDouble(SvgPlot.Point::x));
            ratioPts.sort(Comparator.comparingDouble(SvgPlot.Point::x));
            SvgPlot.Style style = s.isBaseline() ? SvgPlot.Style.FLOOR : SvgPlot.Style.PATH;
            costs.add(new SvgPlot.Line(s.label(), s.colour(), style, pts));
            if (!ratioPts.isEmpty()) {
                ratios.add(new SvgPlot.Line(s.label() + " ÷ " + s.floor().label().replace("floor: ", ""), s.colour(),
                        SvgPlot.Style.PATH, ratioPts));
            }
        }
        SvgPlot.Axis bytes = new SvgPlot.Axis("bytes the window covers (log scale; non-coherent paths copy them, the "
                + "coherent one none)", true, SvgPlot::decimalBytes);
        SvgPlot.Panel cost = new SvgPlot.Panel("Time per operation", bytes,
                new SvgPlot.Axis("time per operation (log scale)", true, SvgPlot::decadeNanos), 360, costs, levels,
                "no sync results in this run");
        SvgPlot.Panel ratio = new SvgPlot.Panel("Each path ÷ its floor, same size, same run", bytes,
                new SvgPlot.Axis("cost ÷ floor", false, SvgPlot::factorTick), 240, ratios,
                List.of(new SvgPlot.Level(1, "1× = the floor", "#333333")), "no path with its floor in this run");
        return SvgPlot.render(title, List.of(cost, ratio));
    }

    /** The floor's result with the same parameter values (the floors' states use the paths' parameter names). */
    private static Result sameParams(List<Result> results, ChartSeries floor, Result path) {
        for (Result f : results) {
            if (floor.selector().matches(f) && f.params().equals(path.params())) {
                return f;
            }
        }
        return null;
    }
}
