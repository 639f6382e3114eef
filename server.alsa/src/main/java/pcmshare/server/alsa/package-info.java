/**
 * Serves stock ALSA applications in other processes through alsa-lib's own
 * {@code shm} PCM plugin (src/pcm/pcm_shm.c, include/aserver.h): private
 * implementation, reached by clients over a Unix socket only.
 */
package pcmshare.server.alsa;
