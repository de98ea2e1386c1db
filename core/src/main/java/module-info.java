/**
 * The dmabuf4j implementation of the API on the Foreign Function &amp; Memory API. It depends on the API and the
 * JDK only.
 */
module org.dmabuf4j.core {
    requires transitive org.dmabuf4j.api;
    requires jdk.jfr;

    exports org.dmabuf4j.core;
}
