package org.dmabuf4j.benchmarks.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The scaling chart ({@code <profile>-scaling.svg}): for every goal that judges growth ({@link Check.FlatAtMost},
 * {@link Check.PerUnitGrowthAtMost}), each row's growth over the smallest size measured, against the size (log
 * scale). A flat path stays at 1×; the 1.5× level is the limit. For a goal judged linear the growth is per
 * unit (cost per fence, per importer, per segment), so a linear path is flat here too.
 */
final class ScalingChart {
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#843c39", "#7b4173", "#3182bd"};

    private ScalingChart() {
    }

    /**
     * Draws the chart.
     *
     * @param e the evaluation of the run
     * @param title the chart title
     * @return the SVG document
     */
    static String render(Evaluation e, String title) {
        List<SvgPlot.Line> lines = new ArrayList<>();
        int colour = 0;
        for (Evaluation.GoalOutcome o : e.outcomes()) {
            Check c = o.goal().check();
            if (!(c instanceof Check.FlatAtMost) && !(c instanceof Check.PerUnitGrowthAtMost)) {
                continue;
            }
            List<SvgPlot.Point> pts = new ArrayList<>();
            for (Row r : o.rows()) {
                if (Double.isNaN(r.ratio())) {
                    continue;
                }
                double size = switch (c) {
                    case Check.FlatAtMost f -> f.size(r.result().params());
                    case Check.PerUnitGrowthAtMost g -> g.units().applyAsLong(r.result().params());
                    default -> throw new IllegalStateException("not a scaling check: " + c);
                };
                pts.add(new SvgPlot.Point(size, r.ratio(), r.result().method() + " " + r.result().paramText() + ": "
                        + Units.ratio(r.ratio()) + (c instanceof Check.PerUnitGrowthAtMost ? " per unit" : "")
                        + " (" + Units.nanos(r.result().nanosPerOp()) + ")"));
            }
            if (pts.isEmpty()) {
                continue;
            }
            pts.sort(Comparator.comparingDouble(SvgPlot.Point::x));
            String label = o.goal().subject().name().substring(o.goal().subject().name().indexOf('.') + 1)
                    + (c instanceof Check.PerUnitGrowthAtMost g ? " (per " + g.unitName() + ")" : "");
            lines.add(new SvgPlot.Line(label, COLOURS[colour++ % COLOURS.length], SvgPlot.Style.PATH, pts));
        }
        SvgPlot.Panel panel = new SvgPlot.Panel("Cost at each size ÷ cost at the smallest size, same run",
                new SvgPlot.Axis("live buffers, attachments per buffer, fences per reservation, segments or importers "
                        + "(log scale)", true, SvgPlot::decimalCount),
                new SvgPlot.Axis("growth over the smallest size", false, SvgPlot::factorTick), 420, lines,
                List.of(new SvgPlot.Level(1, "1× = flat", "#333333"),
                        new SvgPlot.Level(1.5, "1.5× = the issue's limit", "#d62728")),
                "no scaling results in this run");
        return SvgPlot.render(title, List.of(panel));
    }
}
