package pcmshare.shell;

import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.sharing.SharedHandle;
import pcmshare.core.api.sharing.anondup.AnonDup;
import pcmshare.core.api.sharing.anondup.Preset;
import pcmshare.core.api.sharing.dmabuf.DmaBufExporter;

/** A share the shell holds ({@link ShareHandleCommands}): a dup or an export, by name. */
sealed interface HeldShare permits HeldShare.Dup, HeldShare.Export {
    /** dup1, export2, ... */
    String name();

    /** One line for share:list. */
    String describe();

    /** Closes the shell's handle. */
    void release();

    /** A dup and the handle it was made from (its owner, which alone may revoke it). */
    record Dup(String name, PcmSubstream dup, PcmSubstream owner, String ownerName, long id, Preset preset,
            AnonDup backend) implements HeldShare {
        @Override
        public String describe() {
            String now = String.valueOf(backend.permissions(dup));
            boolean revoked = backend.permissions(dup).groups().isEmpty();
            return name + ": anondup dup " + id + " of " + ownerName + ", " + preset
                    + (revoked ? ", revoked" : " " + now.substring(now.indexOf('[')));
        }

        @Override
        public void release() {
            dup.close();
        }
    }

    /** A dma-buf export of a ring buffer: the shell's handle on it. */
    record Export(String name, SharedHandle handle, String sourceName, Direction direction,
            DmaBufExporter exporter) implements HeldShare {
        @Override
        public String describe() {
            return name + ": dmabuf export " + handle.id() + " of " + sourceName + ", " + handle.byteSize()
                    + " bytes, " + handle.refCount() + (handle.refCount() == 1 ? " reference" : " references");
        }

        @Override
        public void release() {
            handle.close();
        }
    }

    /** dup2 before dup10: names ordered by their stem, then by their number. */
    static int byNumber(String a, String b) {
        String sa = a.replaceAll("\\d+$", "");
        String sb = b.replaceAll("\\d+$", "");
        if (!sa.equals(sb)) {
            return sa.compareTo(sb);
        }
        return Long.compare(number(a.substring(sa.length())), number(b.substring(sb.length())));
    }

    private static long number(String digits) {
        return digits.isEmpty() ? -1 : Long.parseLong(digits);
    }
}
