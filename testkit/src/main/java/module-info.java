/**
 * The dmabuf4j testkit: JUnit Jupiter conformance suites and simulated devices for exporter and importer authors.
 */
module org.dmabuf4j.testkit {
    requires transitive org.dmabuf4j.api;
    requires org.dmabuf4j.core;
    requires transitive org.junit.jupiter.api;

    exports org.dmabuf4j.testkit;
}
