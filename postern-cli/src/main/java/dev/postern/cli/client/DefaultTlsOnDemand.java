package dev.postern.cli.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/**
 * The JDK's default TLS sockets ({@link SSLSocketFactory#getDefault}), made at their first use instead of in every
 * {@code HttpsURLConnection}'s constructor: that constructor takes the default factory before the caller can set its
 * own, and making it reads and parses the whole system trust store (~150 CA certificates, about 40 ms of a C1-only
 * JVM), which a pinned connection never looks at. Anyone who uses the default still gets exactly it.
 */
final class DefaultTlsOnDemand extends SSLSocketFactory {
    private DefaultTlsOnDemand() {
    }

    /** Makes {@link HttpsURLConnection}'s default factory this one (the CLI sets none of its own). */
    static void install() {
        HttpsURLConnection.setDefaultSSLSocketFactory(new DefaultTlsOnDemand());
    }

    private static SSLSocketFactory jdk() {
        return (SSLSocketFactory) SSLSocketFactory.getDefault();
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return jdk().getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return jdk().getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket() throws IOException {
        return jdk().createSocket();
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        return jdk().createSocket(s, host, port, autoClose);
    }

    @Override
    public Socket createSocket(Socket s, InputStream consumed, boolean autoClose) throws IOException {
        return jdk().createSocket(s, consumed, autoClose);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return jdk().createSocket(host, port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return jdk().createSocket(host, port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return jdk().createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return jdk().createSocket(address, port, localAddress, localPort);
    }
}
