package pcmshare.core.api.memory;

/** How a handle was opened or a mapping was made: O_RDONLY / PROT_READ or O_RDWR / PROT_READ|PROT_WRITE. */
public enum Access {
    READ_ONLY,
    READ_WRITE;

    public boolean writable() {
        return this == READ_WRITE;
    }
}
