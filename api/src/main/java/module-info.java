/**
 * The dmabuf4j API: the contracts of the Linux dma-buf buffer-sharing model (buffers, exporters, attachments,
 * mappings, fences, reservations) as interfaces, records, enums and exceptions. It has no dependencies.
 */
module org.dmabuf4j.api {
    exports org.dmabuf4j.api;
    exports org.dmabuf4j.api.image;
}
