package org.dmabuf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After each test, and after {@link SystemExtension} closed the test's system (register this extension first: after-each
 * callbacks run in reverse order), asserts that no copy engine of a device's local memory is alive: closing a device
 * ends it.
 */
public final class CopyThreads implements AfterEachCallback {
    @Override
    public void afterEach(ExtensionContext c) {
        List<String> live = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("dmabuf4j-copy@") && t.isAlive()) {
                live.add(t.getName());
            }
        }
        assertEquals(List.of(), live, "copy engine threads alive after the test's system was closed");
    }
}
