/**
 * dmabuf4j across processes: buffers whose memory is a sealed memfd, shared-memory timelines whose fences both
 * processes see, and a {@link org.dmabuf4j.ipc.BufferChannel} that passes buffers, their descriptors and their sync
 * points over an AF_UNIX SOCK_SEQPACKET socket with SCM_RIGHTS. Linux x86-64 and aarch64; every system call is an FFM
 * downcall (no JNI, no native build step). Depends on the API, core and the JDK only.
 */
module org.dmabuf4j.ipc {
    requires transitive org.dmabuf4j.api;
    requires org.dmabuf4j.core;

    exports org.dmabuf4j.ipc;
}
