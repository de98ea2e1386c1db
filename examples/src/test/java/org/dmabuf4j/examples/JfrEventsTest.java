package org.dmabuf4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jfr.Configuration;
import jdk.jfr.EventType;
import jdk.jfr.Recording;
import jdk.jfr.ValueDescriptor;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The README's table of JFR events is what core emits: a recording with the JDK's default settings (what
 * {@code -XX:StartFlightRecording} uses) around the quick start and the moving-buffers example holds exactly the events
 * the table lists, each with exactly the listed fields.
 */
class JfrEventsTest {
    private static final Pattern ROW = Pattern.compile("^\\s*\\| `(org\\.dmabuf4j\\.\\w+)` \\|[^|]*\\| ([^|]+) \\|$");
    /** Fields every JFR event has; the table lists the event's own. */
    private static final Set<String> BUILT_IN = Set.of("startTime", "duration", "eventThread", "stackTrace");

    @Test
    @DisplayName("the README's JFR table lists exactly the events and fields core records")
    void readmeListsTheRecordedEvents() throws IOException, ParseException {
        Map<String, List<String>> documented = new TreeMap<>();
        for (String line : Files.readAllLines(MarkdownBlock.root().resolve("README.md"))) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                documented.put(m.group(1), List.of(m.group(2).strip().split(",\\s*")));
            }
        }
        assertFalse(documented.isEmpty(), "README.md has no JFR table rows (| `org.dmabuf4j.X` | when | fields |)");

        Path file = Path.of("target", "jfr-events.jfr").toAbsolutePath();
        try (Recording recording = new Recording(Configuration.getConfiguration("default"));
             PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8)) {
            recording.start();
            QuickStart.run(quiet);
            MovingBuffers.run(quiet);
            recording.stop();
            recording.dump(file);
        }
        Map<String, List<String>> recorded = new TreeMap<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            EventType type = e.getEventType();
            if (type.getName().startsWith("org.dmabuf4j.")) {
                List<String> fields = new ArrayList<>();
                for (ValueDescriptor v : type.getFields()) {
                    if (!BUILT_IN.contains(v.getName())) {
                        fields.add(v.getName());
                    }
                }
                recorded.put(type.getName(), fields);
            }
        }
        System.out.println("JFR events recorded: " + recorded.keySet());
        assertEquals(documented, recorded, "README.md's JFR table (left) differs from what a recording of the quick"
                + " start and the moving-buffers example holds (right)");
    }
}
