package org.dmabuf4j.examples.mmapfile;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.core.SimulatedSystem;
import org.dmabuf4j.testkit.Campaign;
import org.dmabuf4j.testkit.ExporterConformance;
import org.dmabuf4j.testkit.ExporterFeature;
import org.dmabuf4j.testkit.ExporterFixture;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tutorial: proving a third-party exporter correct with the dmabuf4j conformance kit.
 *
 * <p>The exporter under test is {@link MappedFileExporter}, buffers backed by memory-mapped files. Running the whole
 * suite takes four steps, all in this file:
 *
 * <ol>
 *   <li><b>Depend on the kit</b> with test scope ({@code org.dmabuf4j:dmabuf4j-testkit}), and run tests with
 *       {@code --enable-native-access=ALL-UNNAMED} (the parent pom puts it in surefire's argLine).</li>
 *   <li><b>Extend {@link ExporterConformance}.</b> It is a JUnit Jupiter test class: its nested groups (BUF, MAP, CPU,
 *       MOVE and PIN, P2P, REV, HEAP, concurrency, campaign) become this class's tests. Each test gets its own
 *       simulated system and devices, and ends by checking that nothing leaked.</li>
 *   <li><b>Write the fixture</b> ({@link #fixture()}): how to export a buffer of a given size and layout through
 *       your exporter's own entry point, which must call {@code system.export}; the kit hands you the system.</li>
 *   <li><b>Declare the features</b> your exporter has. For each declared feature the kit checks its rules; for the
 *       others it checks that your exporter refuses them cleanly. Here: CPU access (the mapped pages are CPU memory),
 *       2-D regions (any layout is accepted), revocation (the framework's {@code ExportedBuffer.revoke}) and HEAP (a
 *       fresh file reads as zeros, and its bytes are given back on release, which {@code liveBytes()} reports). It
 *       does not declare DYNAMIC_MOVE (a file does not move), so the kit checks that pins are refused with
 *       UnsupportedFeatureException (PIN-2) and skips the move tests.</li>
 * </ol>
 *
 * <p>Then {@code ./mvnw -pl examples -am verify}. A failure reads {@code [MAP-2] <what the kit saw> — if this fails,
 * check <where to look>}: the rule ID (see docs/RULES.md), the objects involved, and a hint. The campaign test prints
 * {@code seed=<n>}; {@code -Ddmabuf4j.campaign.seed=<n>} replays that run exactly.
 */
class MappedFileExporterConformanceTest extends ExporterConformance {
    /** Where the backing files go; each is deleted when its buffer is released. */
    @TempDir
    static Path files;

    @Override
    protected ExporterFixture fixture() {
        return new ExporterFixture() {
            @Override
            public ExportedBuffer export(SimulatedSystem system, long size, Optional<BufferLayout> layout) {
                return MappedFileExporter.export(system, files, size, layout);
            }

            @Override
            public Set<ExporterFeature> features() {
                return EnumSet.of(ExporterFeature.CPU_ACCESS, ExporterFeature.REGIONS_2D, ExporterFeature.REVOCATION,
                        ExporterFeature.HEAP);
            }

            @Override
            public OptionalLong liveBytes() {
                return OptionalLong.of(MappedFileExporter.liveBytes());
            }

            @Override
            public String name() {
                return "mmapfile";
            }
        };
    }

    /**
     * Optional: a bigger campaign than the default four runs of 60 steps. The suite's campaign test runs this.
     */
    @Override
    protected Campaign campaign(ExporterFixture fixture) {
        return super.campaign(fixture).runs(6).steps(80);
    }
}
