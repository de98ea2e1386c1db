/**
 * A third-party-style exporter, {@link org.dmabuf4j.examples.mmapfile.MappedFileExporter}: buffers backed by
 * memory-mapped files. Its test, {@code MappedFileExporterConformanceTest}, is the testkit tutorial.
 */
package org.dmabuf4j.examples.mmapfile;
