/**
 * The dmabuf4j testkit: JUnit Jupiter conformance suites for exporter and importer authors.
 */
module org.dmabuf4j.testkit {
    requires transitive org.dmabuf4j.api;
    requires transitive org.dmabuf4j.core;
    requires transitive org.junit.jupiter.api;

    exports org.dmabuf4j.testkit;
    // JUnit instantiates the suites' nested test classes and the kit's extension reflectively
    opens org.dmabuf4j.testkit;
}
