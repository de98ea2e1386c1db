package org.dmabuf4j.core;

/**
 * Placeholder so that the module compiles on the sync branch: module-info exports this package, and javac refuses
 * an exported package with no class. Delete it once the package has real classes.
 */
final class SyncBranchPlaceholder {
    private SyncBranchPlaceholder() {
    }
}
