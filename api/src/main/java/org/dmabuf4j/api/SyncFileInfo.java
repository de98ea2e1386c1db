package org.dmabuf4j.api;

import java.util.List;

/**
 * What a sync file tells about itself ({@link Rule#SYNC_9 SYNC-9}).
 *
 * @param name the sync file's name
 * @param status SIGNALED only if every leaf has signaled without error; ERROR if a leaf failed; else PENDING
 * @param fences one entry per leaf fence
 * @see "SYNC_IOC_FILE_INFO, struct sync_file_info"
 */
public record SyncFileInfo(String name, FenceStatus status, List<FenceInfo> fences) {
    /**
     * Copies the list.
     */
    public SyncFileInfo {
        fences = List.copyOf(fences);
    }
}
