package pcmshare.server.alsa.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pcmshare.core.api.errno.Errno;

class UnixServerSocketTest {
    @TempDir
    Path dir;

    private static int mode(Path p) throws Exception {
        return (Integer) Files.getAttribute(p, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    private static Object inode(Path p) throws Exception {
        return Files.getAttribute(p, "unix:ino", java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void bindsChmodsAcceptsAndRemovesItsFileOnClose() throws Exception {
        Path p = dir.resolve("pcm.sock");
        try (UnixServerSocket s = UnixServerSocket.bind(p, 4, 0660)) {
            assertThat(mode(p) & 0170000).as("a socket").isEqualTo(0140000);
            assertThat(mode(p) & 07777).isEqualTo(0660);
            assertThat(Fds.isCloseOnExec(s.fd())).isTrue();
            try (UnixConnection client = UnixConnection.connect(p);
                    UnixConnection served = s.accept(5000)) {
                assertThat(served).isNotNull();
                assertThat(Fds.isCloseOnExec(served.fd())).isTrue();
                assertThat(Fds.isCloseOnExec(client.fd())).isTrue();
            }
        }
        assertThat(p).doesNotExist();
    }

    @Test
    void acceptReturnsNullAfterTheTimeout() {
        try (UnixServerSocket s = UnixServerSocket.bind(dir.resolve("t.sock"), 4, 0600)) {
            long t0 = System.nanoTime();
            assertThat(s.accept(80)).isNull();
            assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(75));
            assertThat(s.accept(0)).isNull();
        }
    }

    @Test
    void wakeupAndCloseFromAnotherThreadEndABlockedAccept() throws Exception {
        Path p = dir.resolve("w.sock");
        UnixServerSocket s = UnixServerSocket.bind(p, 4, 0600);
        CompletableFuture<UnixConnection> first = CompletableFuture.supplyAsync(() -> s.accept(-1));
        Thread.sleep(100);
        s.wakeup();
        assertThat(first.get(5, TimeUnit.SECONDS)).isNull();
        assertThat(s.isClosed()).isFalse();

        int fd = s.fd();
        CompletableFuture<UnixConnection> second = CompletableFuture.supplyAsync(() -> s.accept(-1));
        Thread.sleep(100);
        s.close();
        assertThat(second.get(5, TimeUnit.SECONDS)).isNull();
        assertThat(s.isReleased()).isTrue();
        assertThat(Fds.isOpen(fd)).isFalse();
        assertThat(p).doesNotExist();
        assertThat(s.accept(-1)).as("after close").isNull();
        s.close(); // idempotent
    }

    @Test
    void aStaleSocketFileIsReplaced() throws Exception {
        Path p = dir.resolve("stale.sock");
        // The JDK's channel leaves its socket file behind on close, as a crashed server does.
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(p));
        }
        assertThatThrownBy(() -> UnixConnection.connect(p)).as("stale: nobody answers")
                .isInstanceOfSatisfying(SyscallException.class, x -> assertThat(x.name()).isEqualTo("ECONNREFUSED"));
        try (UnixServerSocket s = UnixServerSocket.bind(p, 4, 0600)) {
            try (UnixConnection c = UnixConnection.connect(p); UnixConnection a = s.accept(5000)) {
                assertThat(a).isNotNull();
            }
        }
    }

    @Test
    void aLiveServersPathIsRefusedWithEaddrinuse() throws Exception {
        Path p = dir.resolve("live.sock");
        try (UnixServerSocket live = UnixServerSocket.bind(p, 4, 0600)) {
            Object inode = inode(p);
            assertThatThrownBy(() -> UnixServerSocket.bind(p, 4, 0600))
                    .isInstanceOfSatisfying(SyscallException.class, x -> {
                        assertThat(x.code()).isEqualTo(98);
                        assertThat(x.name()).isEqualTo("EADDRINUSE");
                        assertThat(x.getMessage()).contains("EADDRINUSE", p.toString());
                    });
            assertThat(inode(p)).isEqualTo(inode);
            try (UnixConnection c = UnixConnection.connect(p); UnixConnection a = live.accept(5000)) {
                assertThat(a).as("the live server still serves").isNotNull();
            }
        }
    }

    @Test
    void aRegularFileAtThePathIsRefusedAndKept() throws Exception {
        Path p = dir.resolve("file.sock");
        Files.writeString(p, "keep me");
        assertThatThrownBy(() -> UnixServerSocket.bind(p, 4, 0600))
                .isInstanceOfSatisfying(SyscallException.class, x -> {
                    assertThat(x.errno()).isEqualTo(Errno.EEXIST);
                    assertThat(x.getMessage()).contains("not a socket", p.toString());
                });
        assertThat(Files.readString(p)).isEqualTo("keep me");
    }

    @Test
    void aSymbolicLinkAtThePathIsRefusedEvenToASocket() throws Exception {
        Path target = dir.resolve("real.sock");
        try (UnixServerSocket real = UnixServerSocket.bind(target, 4, 0600)) {
            Path link = Files.createSymbolicLink(dir.resolve("link.sock"), target);
            assertThatThrownBy(() -> UnixServerSocket.bind(link, 4, 0600))
                    .isInstanceOfSatisfying(SyscallException.class, x -> assertThat(x.errno()).isEqualTo(Errno.EEXIST));
            assertThat(Files.isSymbolicLink(link)).isTrue();
        }
    }

    @Test
    void pathsLongerThan107BytesAreEnametoolong() throws Exception {
        String base = dir.toString() + "/";
        Path longest = Path.of(base + "x".repeat(107 - base.length()));
        assertThat(longest.toString()).hasSize(107);
        try (UnixServerSocket s = UnixServerSocket.bind(longest, 4, 0600);
                UnixConnection c = UnixConnection.connect(longest)) {
            assertThat(s.accept(5000)).isNotNull().satisfies(UnixConnection::close);
        }
        Path tooLong = Path.of(base + "x".repeat(108 - base.length()));
        assertThatThrownBy(() -> UnixServerSocket.bind(tooLong, 4, 0600))
                .isInstanceOfSatisfying(SyscallException.class, x -> {
                    assertThat(x.name()).isEqualTo("ENAMETOOLONG");
                    assertThat(x.getMessage()).contains("at most 107 bytes", "has 108");
                });
        assertThat(tooLong).doesNotExist();
    }

    @Test
    void closeLeavesASocketThatReplacedItsSocket() throws Exception {
        Path p = dir.resolve("replaced2.sock");
        UnixServerSocket s = UnixServerSocket.bind(p, 4, 0600);
        Files.delete(p);
        Thread.sleep(10);
        try (ServerSocketChannel other = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            other.bind(UnixDomainSocketAddress.of(p)); // may well get the same inode number
            s.close();
            assertThat(p).exists();
            try (UnixConnection c = UnixConnection.connect(p)) {
                assertThat(other.accept()).isNotNull().satisfies(ch -> ch.close());
            }
        }
    }

    @Test
    void closeLeavesAFileThatReplacedItsSocket() throws Exception {
        Path p = dir.resolve("replaced.sock");
        UnixServerSocket s = UnixServerSocket.bind(p, 4, 0600);
        Files.delete(p);
        Files.writeString(p, "someone else's");
        s.close();
        assertThat(Files.readString(p)).isEqualTo("someone else's");
    }

    @Test
    void connectingToNothingIsEnoentAndToAStaleFileIsEconnrefused() throws Exception {
        assertThatThrownBy(() -> UnixConnection.connect(dir.resolve("none.sock")))
                .isInstanceOfSatisfying(SyscallException.class, x -> assertThat(x.errno()).isEqualTo(Errno.ENOENT));
        Path p = dir.resolve("stale.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(p));
        }
        assertThatThrownBy(() -> UnixConnection.connect(p))
                .isInstanceOfSatisfying(SyscallException.class, x -> assertThat(x.name()).isEqualTo("ECONNREFUSED"));
    }

    @Test
    void descriptorsReturnToTheBaselineAfterManyConnections() throws Exception {
        Path p = dir.resolve("leak.sock");
        cycle(p, 3); // load classes and let the JVM open what it keeps open
        int before = Fds.openFdCount();
        cycle(p, 25);
        assertThat(Fds.openFdCount()).isEqualTo(before);
    }

    private static void cycle(Path p, int connections) {
        try (UnixServerSocket s = UnixServerSocket.bind(p, 8, 0600)) {
            for (int i = 0; i < connections; i++) {
                try (UnixConnection c = UnixConnection.connect(p); UnixConnection a = s.accept(5000);
                        EventFd e = EventFd.create()) {
                    a.sendByteWithFd('P', e.fd());
                    UnixConnection.Received r = c.receiveByteWithFd(5000);
                    Fds.close(r.fd());
                }
            }
        }
    }
}
