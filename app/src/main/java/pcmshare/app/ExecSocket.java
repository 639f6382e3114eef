package pcmshare.app;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The local socket through which {@code pcmshare exec} runs a command line in the
 * interactive container already running on the same configuration folder, instead
 * of starting a second container.
 *
 * <p>A Unix-domain socket in a folder only its user may enter: {@code PCMSHARE_RUNTIME_DIR},
 * else {@code $XDG_RUNTIME_DIR/pcmshare}, else {@code /run/pcmshare} for root, else
 * {@code pcmshare-USER} in the temporary folder; one socket per configuration folder.
 *
 * <p>The exchange, in frames of a kind byte, a 4-byte big-endian length and that many
 * bytes: the client sends {@code L} (the command line, UTF-8; {@code T} when its output
 * is a terminal, so that progress lines are drawn); the container answers
 * with {@code O} and {@code E} frames (what the command wrote to its output and its
 * errors, in the order written) and ends with {@code X} (the exit status, 4 bytes).
 * A client that goes away interrupts its command, as Ctrl-C does.
 */
final class ExecSocket implements AutoCloseable {
    /** A command line whose output reaches a terminal. */
    static final byte LINE_TO_TERMINAL = 'T';
    /** A command line whose output goes to a file or a pipe. */
    static final byte LINE = 'L';
    static final byte OUT = 'O';
    static final byte ERR = 'E';
    static final byte EXIT = 'X';
    /** A command line is a line typed or scripted, not a file. */
    private static final int MAX_LINE_BYTES = 1 << 20;

    /** One command line to run: its exit status, or stopped from another thread. */
    interface Command {
        int run();

        void interrupt();
    }

    /** Makes the command of a line, writing to the streams given; {@code terminal}: they reach one. */
    interface LineRunner {
        Command command(String line, boolean terminal, PrintStream out, PrintStream err);
    }

    private final Path path;
    private final ServerSocketChannel server;
    private final LineRunner runner;

    private ExecSocket(Path path, ServerSocketChannel server, LineRunner runner) {
        this.path = path;
        this.server = server;
        this.runner = runner;
    }

    /** The socket of the container whose configuration folder is {@code conf}. */
    static Path socketFor(Path conf, Map<String, String> env) {
        Path dir;
        String configured = env.get("PCMSHARE_RUNTIME_DIR");
        String xdg = env.get("XDG_RUNTIME_DIR");
        if (configured != null && !configured.isBlank()) {
            dir = Path.of(configured);
        } else if (xdg != null && !xdg.isBlank()) {
            dir = Path.of(xdg, "pcmshare");
        } else if ("root".equals(System.getProperty("user.name"))) {
            dir = Path.of("/run/pcmshare");
        } else {
            dir = Path.of(System.getProperty("java.io.tmpdir"), "pcmshare-" + System.getProperty("user.name"));
        }
        return dir.toAbsolutePath().resolve("exec-" + digest(conf.toAbsolutePath().normalize().toString()) + ".sock");
    }

    private static String digest(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ the container's side

    /**
     * Listens on {@code path} until closed, running each command line with {@code runner}.
     *
     * @return null when another container already listens there (it keeps serving)
     * @throws IOException when the socket cannot be made
     */
    static ExecSocket serve(Path path, LineRunner runner) throws IOException {
        Path dir = path.getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                    "rwx------")));
        }
        if (!Files.getOwner(dir).getName().equals(System.getProperty("user.name"))) {
            throw new IOException(dir + " belongs to " + Files.getOwner(dir).getName() + ", not to "
                    + System.getProperty("user.name"));
        }
        if (Files.exists(path)) {
            try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                return null;
            } catch (IOException stale) {
                // left by a container that was killed
                Files.deleteIfExists(path);
            }
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            server.close();
            throw e;
        }
        ExecSocket socket = new ExecSocket(path, server, runner);
        Thread.ofPlatform().daemon().name("pcmshare exec socket").start(socket::accept);
        return socket;
    }

    Path path() {
        return path;
    }

    private void accept() {
        while (server.isOpen()) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (AsynchronousCloseException closed) {
                return;
            } catch (IOException e) {
                if (!server.isOpen()) {
                    return;
                }
                continue;
            }
            Thread.ofPlatform().daemon().name("pcmshare exec").start(() -> answer(client));
        }
    }

    // the channel itself, not Channels' streams: those of one channel may serialize a blocking read with a write
    private void answer(SocketChannel client) {
        try (client) {
            ByteBuffer head = read(client, 5);
            byte kind = head.get();
            if (kind != LINE && kind != LINE_TO_TERMINAL) {
                return;
            }
            int length = head.getInt();
            if (length < 0 || length > MAX_LINE_BYTES) {
                return;
            }
            String line = StandardCharsets.UTF_8.decode(read(client, length)).toString();
            PrintStream out = new PrintStream(new FrameStream(client, OUT), true, StandardCharsets.UTF_8);
            PrintStream err = new PrintStream(new FrameStream(client, ERR), true, StandardCharsets.UTF_8);
            Command command = runner.command(line, kind == LINE_TO_TERMINAL, out, err);
            // the client sends nothing more: a read that ends means it went away
            Thread watcher = Thread.ofVirtual().name("pcmshare exec client watch").start(() -> {
                try {
                    if (client.read(ByteBuffer.allocate(1)) < 0) {
                        command.interrupt();
                    }
                } catch (IOException closed) {
                    // the answer is complete, or the client went away
                }
            });
            int status = command.run();
            out.flush();
            err.flush();
            synchronized (client) {
                write(client, ByteBuffer.allocate(9).put(EXIT).putInt(4).putInt(status).flip());
            }
            watcher.interrupt();
        } catch (IOException gone) {
            // the client went away: nobody is left to tell
        }
    }

    private static ByteBuffer read(SocketChannel channel, int bytes) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(bytes);
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                throw new EOFException("the client closed the connection");
            }
        }
        return b.flip();
    }

    private static void write(SocketChannel channel, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing a listening socket does not fail in a way that matters here
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // a socket file left behind is found stale by the next container
        }
    }

    /** Writes each chunk as one frame of its kind. */
    private static final class FrameStream extends OutputStream {
        private final SocketChannel channel;
        private final byte kind;

        FrameStream(SocketChannel channel, byte kind) {
            this.channel = channel;
            this.kind = kind;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return;
            }
            synchronized (channel) {
                ExecSocket.write(channel, ByteBuffer.allocate(5).put(kind).putInt(len).flip());
                ExecSocket.write(channel, ByteBuffer.wrap(b, off, len));
            }
        }
    }

    // ------------------------------------------------------------------ exec's side

    /**
     * Runs {@code line} in the container listening on {@code path}, copying its output
     * and errors to {@code out} and {@code err}.
     *
     * @return its exit status, or null when no container listens there
     */
    static Integer run(Path path, String line, PrintStream out, PrintStream err) {
        if (!Files.exists(path)) {
            return null;
        }
        SocketChannel channel;
        try {
            channel = SocketChannel.open(UnixDomainSocketAddress.of(path));
        } catch (IOException noneListens) {
            return null;
        }
        try (channel) {
            DataOutputStream request = new DataOutputStream(Channels.newOutputStream(channel));
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            java.io.Console console = System.console();
            request.writeByte(console != null && console.isTerminal() ? LINE_TO_TERMINAL : LINE);
            request.writeInt(bytes.length);
            request.write(bytes);
            request.flush();
            DataInputStream in = new DataInputStream(Channels.newInputStream(channel));
            while (true) {
                byte kind = in.readByte();
                int length = in.readInt();
                if (kind == EXIT) {
                    out.flush();
                    err.flush();
                    return in.readInt();
                }
                byte[] chunk = in.readNBytes(length);
                (kind == ERR ? err : out).write(chunk);
                (kind == ERR ? err : out).flush();
            }
        } catch (EOFException e) {
            err.println("pcmshare exec: the running container (" + path + ") closed the connection before the "
                    + "command ended; it may have stopped");
            return Launcher.EXIT_START_FAILED;
        } catch (IOException e) {
            err.println("pcmshare exec: lost the connection to the running container (" + path + "): " + e);
            return Launcher.EXIT_START_FAILED;
        }
    }
}
