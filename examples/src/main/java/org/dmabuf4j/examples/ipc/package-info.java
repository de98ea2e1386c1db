/**
 * Two processes exchanging video frames zero-copy: {@link org.dmabuf4j.examples.ipc.FrameExchange}.
 */
package org.dmabuf4j.examples.ipc;
