package org.dmabuf4j.testkit.meta;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.testkit.ConformanceError;
import org.dmabuf4j.testkit.ExporterFeature;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/** One run of a kit suite through the EngineTestKit, and what came out of it. */
record KitRun(String subject, int succeeded, List<Failure> failures, List<Skip> skips, long millis) {
    static {
        Warnings.install();
    }

    /** A failed test. */
    record Failure(String test, Throwable error) {
        Rule rule() {
            return error instanceof ConformanceError c ? c.rule() : null;
        }
    }

    /** A test that was skipped (aborted by an assumption), with its reason. */
    record Skip(String method, String reason) {
    }

    static KitRun of(Class<?> suite, String subject) {
        return of(suite, null, subject);
    }

    /**
     * Runs a suite through the EngineTestKit on this thread, with {@code current} as the thread's subject
     * ({@link Subjects}): its tests run on this thread, one after the other, whatever the outer run's parallelism.
     */
    static KitRun of(Class<?> suite, Object current, String subject) {
        return Subjects.with(current, () -> execute(suite, subject, false));
    }

    /** As {@link #of(Class, Object, String)}, with the kit's console lines on. */
    static KitRun withConsole(Class<?> suite, Object current, String subject) {
        return Subjects.with(current, () -> execute(suite, subject, true));
    }

    private static KitRun execute(Class<?> suite, String subject, boolean console) {
        long start = System.nanoTime();
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter").selectors(selectClass(suite))
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "false")
                // the kit's console lines of deliberately broken subjects would fill the build's log
                .configurationParameter("dmabuf4j.kit.console", String.valueOf(console))
                .execute();
        List<Failure> failures = new ArrayList<>();
        for (Event e : results.testEvents().failed().list()) {
            Throwable t = e.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable)
                    .orElse(null);
            failures.add(new Failure(e.getTestDescriptor().getDisplayName(), t));
        }
        List<Skip> skips = new ArrayList<>();
        for (Event e : results.testEvents().aborted().list()) {
            String method = e.getTestDescriptor().getSource().filter(MethodSource.class::isInstance)
                    .map(s -> ((MethodSource) s).getMethodName()).orElse(e.getTestDescriptor().getDisplayName());
            String reason = e.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable)
                    .map(Throwable::getMessage).orElse("");
            skips.add(new Skip(method, reason));
        }
        for (Event e : results.testEvents().skipped().list()) {
            skips.add(new Skip(e.getTestDescriptor().getDisplayName(), e.getPayload(String.class).orElse("")));
        }
        KitRun run = new KitRun(subject, (int) results.testEvents().succeeded().count(), failures, skips,
                (System.nanoTime() - start) / 1_000_000);
        if (Boolean.getBoolean("dmabuf4j.kit.verbose")) {
            // every meta-assertion carries the summary in its message; printing it always would fill CI logs with
            // the expected FAIL lines of deliberately broken exporters
            System.out.println(run.summary());
        }
        return run;
    }

    Set<Rule> failedRules() {
        return failures.stream().map(Failure::rule).filter(r -> r != null)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Rule.class)));
    }

    String summary() {
        StringBuilder sb = new StringBuilder("kit run on ").append(subject).append(" (").append(millis)
                .append(" ms): ").append(succeeded)
                .append(" passed, ").append(failures.size()).append(" failed ").append(failedRules()).append(", ")
                .append(skips.size()).append(" skipped");
        for (Failure f : failures) {
            String m = f.error() == null ? "(no throwable)" : f.error().getMessage();
            sb.append("\n  FAIL ").append(f.test()).append("\n       ").append(m == null ? ""
                    : m.lines().limit(12).collect(Collectors.joining("\n       ")));
        }
        for (Skip s : skips) {
            sb.append("\n  SKIP ").append(s.method()).append(": ").append(s.reason());
        }
        return sb.toString();
    }

    Set<String> skippedMethods() {
        return skips.stream().map(Skip::method).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The suite's tests that a fixture without a feature skips (assumptions), by method name. */
    static Set<String> expectedSkips(Set<ExporterFeature> features) {
        Set<String> out = new TreeSet<>();
        if (!features.contains(ExporterFeature.HEAP)) {
            out.addAll(List.of("everyExportIsZeroed", "memoryIsReturnedOnReleaseAndNotBefore"));
        }
        if (!features.contains(ExporterFeature.PEER_TO_PEER)) {
            out.add("deviceMemoryIsMigratedWithNotificationOrRefused");
        }
        if (!features.contains(ExporterFeature.REVOCATION)) {
            out.addAll(List.of("afterRevocationMapsAndCpuAccessFail", "revocationWaitsForEveryFence",
                    "aRevocationThatTimesOutNamesTheImporters", "importersReadingInsideTheRevocationSeeTheData"));
        }
        if (!features.contains(ExporterFeature.DYNAMIC_MOVE)) {
            out.addAll(List.of("aMoveNotifiesEveryDynamicImporterFirst", "aMoveWaitsForTheReservationLock",
                    "aPinnedBufferIsNotMoved", "aPinnedBuffersMemoryStaysInPlace",
                    "afterAMoveAFreshMapSucceedsWithTheData", "aMovePublishesItsCopyAsAKernelFence",
                    "aMovesFenceSignalsWhileAWaiterHoldsTheLock", "movesRacingWithMapsNeverLoseAWrite",
                    "aMoveWithWindowsOpenKeepsTheData", "moveFencesImportedIntoATimelineKeepItsSemantics"));
        }
        if (features.contains(ExporterFeature.PIN_REFUSAL)) {
            out.addAll(List.of("aPinnedBufferIsNotMoved", "aPinnedBuffersMemoryStaysInPlace"));
        }
        if (!features.contains(ExporterFeature.CPU_ACCESS)) {
            out.addAll(List.of("cpuWindowsAndDevicesSeeTheSameBytes", "nonCoherentDevicesAndTheCpuSeeEachOthersWrites",
                    "aRangeWindowWritesBackExactlyItsRange", "aTwoDimensionalWindowExposesExactlyItsRectangle",
                    "cpuWindowsShowLinearPixels", "aWindowsSegmentFailsAfterClose", "aReadWindowIsReadOnly",
                    "aTwoDimensionalWriteWindowAfterADeviceWriteKeepsTheDevicesDataAround",
                    "readWindowsShowWhatTheDeviceWroteInEveryRow", "theFirstWindowAndTheFirstMapRaceToTheSameMemory",
                    "aMoveWithWindowsOpenKeepsTheData"));
        }
        if (!features.contains(ExporterFeature.REGIONS_2D)) {
            out.add("cpuWindowsShowLinearPixels");
            out.add("aTwoDimensionalWriteWindowAfterADeviceWriteKeepsTheDevicesDataAround");
        }
        return out;
    }
}
