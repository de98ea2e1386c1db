package org.dmabuf4j.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hand-written JSON reader, the unit conversions and the selectors of the report generator. */
class JsonTest {

    @Test
    void parsesNestedValuesEscapesAndNumbers() {
        Object v = Json.parse("{\"a\": [1, -2.5e3, true, false, null], \"s\": \"x\\\"y\\\\z\\u00b5\\n\", \"o\": {}}");
        assertEquals(Map.of("a", java.util.Arrays.asList(1.0, -2500.0, true, false, null), "s", "x\"y\\zµ\n",
                "o", Map.of()), v);
    }

    @Test
    void acceptsBareNaNAndInfinity() {
        assertEquals(java.util.Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY),
                Json.parse("[NaN, Infinity, -Infinity]"));
    }

    @Test
    void keepsTheSourceTextOfTopLevelElements() {
        List<Json.Element> els = Json.topLevelElements(" [ {\"a\" : 1},\n  [2, 3] , \"s\" ] ");
        assertEquals(List.of("{\"a\" : 1}", "[2, 3]", "\"s\""), els.stream().map(Json.Element::source).toList());
        assertEquals(List.of(), Json.topLevelElements("[]"));
    }

    @Test
    void malformedInputIsRefusedWithTheOffset() {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\" 1}"));
        assertTrue(ex.getMessage().contains("expected ':'") && ex.getMessage().contains("offset 5"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1, 2"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1] x"));
        assertThrows(IllegalArgumentException.class, () -> Json.topLevelElements("{}"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("\"\\q\""));
    }

    @Test
    void scoresOfEveryJmhUnitBecomeNanosecondsPerOperation() {
        assertEquals(12.0, Units.nanosPerOp(12, "ns/op"));
        assertEquals(12_000.0, Units.nanosPerOp(12, "us/op"));
        assertEquals(12_000.0, Units.nanosPerOp(12, "µs/op"));
        assertEquals(2e6, Units.nanosPerOp(2, "ms/op"));
        assertEquals(250.0, Units.nanosPerOp(4, "ops/us"));
        assertEquals(0.5, Units.nanosPerOp(2, "ops/ns"));
        assertEquals(1e9 / 8, Units.nanosPerOp(8, "ops/s"));
        assertThrows(IllegalArgumentException.class, () -> Units.nanosPerOp(1, "bytes"));
        assertThrows(IllegalArgumentException.class, () -> Units.nanosPerOp(1, "ops/week"));
    }

    @Test
    void numbersAreFormattedWithAboutFourSignificantDigits() {
        assertEquals("4,309,388", Units.number(4309387.979));
        assertEquals("834.3", Units.number(834.31));
        assertEquals("15.61", Units.number(15.605));
        assertEquals("0.500", Units.number(0.5));
        assertEquals("n/a", Units.number(Double.NaN));
        assertEquals("2.50×", Units.ratio(2.5));
        assertEquals("0.000412×", Units.ratio(0.000412));
        assertEquals("48.2 ns", Units.nanos(48.2));
        assertEquals("3.10 µs", Units.nanos(3100));
        assertEquals("7.32 MiB", Units.bytes(7_680_000));
        assertEquals("4 KiB", Units.bytes(4096));
    }

    @Test
    void theNoiseIntervalIsStudentsTOverTheRawIterationScores() {
        Map<String, Object> primary = new java.util.LinkedHashMap<>();
        primary.put("score", 100.0);
        primary.put("scoreError", "NaN");
        primary.put("scoreUnit", "ns/op");
        primary.put("rawData", List.of(List.of(60.0, 100.0), List.of(140.0)));
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("benchmark", "org.dmabuf4j.benchmarks.X.y");
        m.put("mode", "avgt");
        m.put("primaryMetric", primary);
        Result r = Result.fromJmh(m);
        // n = 3, sd = 40, t(2) = 4.303: 4.303 * 40 / sqrt(3)
        assertEquals(4.303 * 40 / Math.sqrt(3), r.error95(), 1e-9);
        assertTrue(Double.isNaN(r.error()));
        double[] range = r.nanosPerOpRange();
        assertEquals(100 - r.error95(), range[0], 1e-9);
        assertEquals(100 + r.error95(), range[1], 1e-9);
        primary.put("rawData", List.of(List.of(5.0)));
        assertTrue(Double.isNaN(Result.fromJmh(m).error95()), "one iteration has no interval");
    }

    @Test
    void selectorsMatchByNameAndParameters() {
        Result r = new Result("org.dmabuf4j.benchmarks.CpuAccessBenchmark.regionSync", "avgt", 1,
                Map.of("region", "10x10"), 1, 0, Double.NaN, "ns/op", "");
        assertTrue(Selector.parse("CpuAccessBenchmark.regionSync").matches(r));
        assertTrue(Selector.parse("CpuAccessBenchmark.regionSync[region=10x10|full]").matches(r));
        assertTrue(!Selector.parse("CpuAccessBenchmark.regionSync[region=full]").matches(r));
        assertTrue(!Selector.parse("CpuAccessBenchmark.regionSync[region!=10x10]").matches(r));
        assertTrue(!Selector.parse("CpuAccessBenchmark.rangeSync").matches(r));
        assertEquals(Map.of("region", "full"), Selector.parse("CpuAccessBenchmark.regionSync[region=full]").overrides());
        assertThrows(IllegalArgumentException.class, () -> Selector.parse("regionSync"));
        assertThrows(IllegalArgumentException.class, () -> Selector.parse("A.b[region]"));
        assertThrows(IllegalArgumentException.class, () -> Selector.parse("A.b[region=1"));
    }
}
