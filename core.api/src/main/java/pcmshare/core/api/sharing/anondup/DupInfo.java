package pcmshare.core.api.sharing.anondup;

/**
 * A live dup, as {@link AnonDup#dups} lists it.
 *
 * @param id          unique within the backend
 * @param holder      who holds it
 * @param permissions what it may do
 * @param substream   the substream it is a handle on, for humans
 * @param dups        live dups made from it in turn
 */
public record DupInfo(long id, String holder, PcmPermissions permissions, String substream, int dups) {
}
