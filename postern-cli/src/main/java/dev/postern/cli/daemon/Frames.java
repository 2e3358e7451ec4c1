package dev.postern.cli.daemon;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The daemon's answer to a request, as frames: one type byte, a 4-byte big-endian length, that many bytes. A
 * request is answered with exactly one of {@link #STALE}, {@link #BUSY}, {@link #INFO} (status), or
 * {@link #ACCEPTED} followed by {@link #STDOUT} and {@link #STDERR} frames and one {@link #EXIT} (4-byte code).
 * After {@link #ACCEPTED} the client sends the single byte {@link #GO}, and only then does the command begin: a client
 * that gave up waiting closes instead, and runs the command itself.
 * java.base only (the thin client loads this).
 */
final class Frames {
    /** The command runs; its output follows. */
    static final byte ACCEPTED = 'A';
    /** Another jar, Java or protocol than the daemon's: it will not run it, and exits. */
    static final byte STALE = 'S';
    /** A request is running already. */
    static final byte BUSY = 'B';
    /** A status answer: UTF-8 lines of "key value". */
    static final byte INFO = 'I';
    static final byte STDOUT = 'O';
    static final byte STDERR = 'E';
    /** The client's one byte after {@link #ACCEPTED}: it will relay the output, run the command. */
    static final byte GO = 'G';
    /** The command's exit code, 4 bytes. */
    static final byte EXIT = 'X';
    /** The most a frame may hold: output is sent in pieces of at most this. */
    static final int MAX = 1 << 20;

    private Frames() {
    }

    /** One frame read from {@code in}. */
    record Frame(byte type, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        int code() throws IOException {
            if (body.length != 4) {
                throw new IOException("an exit frame of " + body.length + " bytes (4 expected)");
            }
            return ((body[0] & 0xff) << 24) | ((body[1] & 0xff) << 16) | ((body[2] & 0xff) << 8) | (body[3] & 0xff);
        }
    }

    static void write(DataOutputStream out, byte type, byte[] body, int off, int len) throws IOException {
        out.writeByte(type);
        out.writeInt(len);
        out.write(body, off, len);
    }

    static void write(DataOutputStream out, byte type, byte[] body) throws IOException {
        write(out, type, body, 0, body.length);
    }

    static void writeExit(DataOutputStream out, int code) throws IOException {
        out.writeByte(EXIT);
        out.writeInt(4);
        out.writeInt(code);
    }

    /** The next frame; {@link EOFException} when the connection ended before one. */
    static Frame read(DataInputStream in) throws IOException {
        byte type = in.readByte();
        int len = in.readInt();
        if (len < 0 || len > MAX) {
            throw new IOException("a frame of " + len + " bytes (at most " + MAX + ")");
        }
        byte[] body = new byte[len];
        in.readFully(body);
        return new Frame(type, body);
    }
}
