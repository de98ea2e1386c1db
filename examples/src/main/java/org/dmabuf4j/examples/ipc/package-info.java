/**
 * Two processes exchanging video frames zero-copy: RGBA frames through a pool of buffers
 * ({@link org.dmabuf4j.examples.ipc.FrameExchange}) and NV12 images through a pool negotiated by the consumer's
 * format feedback ({@link org.dmabuf4j.examples.ipc.Nv12Exchange}).
 */
package org.dmabuf4j.examples.ipc;
