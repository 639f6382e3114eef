/**
 * The ALSA server's system-call layer: Unix stream sockets with SO_PEERCRED and
 * SCM_RIGHTS, poll descriptors that wake a client when the server dies, eventfd, System V shared memory, poll(2) and /proc,
 * all through {@link pcmshare.server.alsa.sys.Libc}, the bundle's only FFM class
 * (Linux x86_64, glibc; no native library shipped). Failures are
 * {@link pcmshare.server.alsa.sys.SyscallException}s naming the kernel's errno.
 * Private to the bundle.
 */
package pcmshare.server.alsa.sys;
