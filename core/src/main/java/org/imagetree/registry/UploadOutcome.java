package org.imagetree.registry;

/** How {@link RegistryClient#upload} made a blob available in a repository. */
public enum UploadOutcome {
    /** The repository had it already ({@code HEAD}). */
    PRESENT,
    /** Mounted from another repository of the registry: nothing uploaded. */
    MOUNTED,
    /** Uploaded. */
    UPLOADED
}
