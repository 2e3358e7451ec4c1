package dev.postern.ssh.cipher;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.security.Key;
import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The JDK's own Poly1305, the one behind its {@code ChaCha20-Poly1305} cipher (TLS). It is not a public service
 * (there is no {@code Mac.getInstance("Poly1305")}), so it is reached through its package-private methods, which
 * needs {@code --add-opens java.base/com.sun.crypto.provider=ALL-UNNAMED} (the CLI jar's manifest says so). Worth
 * it where HotSpot has its Poly1305 intrinsic (JDK 20 on x86_64 with AVX-512 IFMA, for one): about 10x MINA's
 * pure-Java one. {@link Poly1305Choice} decides; without the intrinsic it is slower than MINA's.
 */
final class JdkPoly1305 implements Poly1305 {
    static final String CLASS = "com.sun.crypto.provider.Poly1305";
    /** The handles, or why there are none (the package is not opened, or the class is not what we know). */
    private static final Access ACCESS = Access.find();

    private final Object mac;

    private JdkPoly1305(Object mac) {
        this.mac = mac;
    }

    /** A new instance, or an exception that says why the JDK's Poly1305 cannot be used here. */
    static JdkPoly1305 create() throws ReflectiveOperationException {
        if (ACCESS.problem() != null) {
            throw ACCESS.problem();
        }
        try {
            return new JdkPoly1305((Object) ACCESS.create().invokeExact());
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new ReflectiveOperationException("the JDK's Poly1305 could not be made", e);
        }
    }

    @Override
    public void init(byte[] key) throws Exception {
        try {
            Key k = new SecretKeySpec(key, 0, 32, "Poly1305");
            ACCESS.init().invokeExact(mac, k, (AlgorithmParameterSpec) null);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void update(byte[] input, int offset, int length) {
        try {
            ACCESS.update().invokeExact(mac, input, offset, length);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void finish(byte[] out, int offset) throws Exception {
        byte[] tag;
        try {
            tag = (byte[]) ACCESS.doFinal().invokeExact(mac);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        System.arraycopy(tag, 0, out, offset, ChaCha20Poly1305.TAG_BYTES);
    }

    @Override
    public String toString() {
        return "JDK Poly1305";
    }

    /**
     * The package-private members used: the constructor (JDK 21 on: {@code Poly1305(false)}, which skips a weak-key
     * check OpenSSH does not make; before: {@code Poly1305()}), {@code engineInit(Key, AlgorithmParameterSpec)},
     * {@code engineUpdate(byte[], int, int)} and {@code engineDoFinal()}. A record in a static final field: the JIT
     * trusts both as constants and inlines the calls.
     */
    private record Access(MethodHandle create, MethodHandle init, MethodHandle update, MethodHandle doFinal,
            ReflectiveOperationException problem) {
        static Access find() {
            try {
                Class<?> c = Class.forName(CLASS);
                MethodHandles.Lookup l;
                try {
                    l = MethodHandles.privateLookupIn(c, MethodHandles.lookup());
                } catch (IllegalAccessException e) {
                    throw new IllegalAccessException("java.base does not open " + c.getPackageName()
                            + " to Postern; run java with --add-opens java.base/" + c.getPackageName()
                            + "=ALL-UNNAMED (the postern launcher and the CLI jar's manifest do)");
                }
                MethodHandle create;
                try {
                    create = MethodHandles.insertArguments(
                            l.findConstructor(c, MethodType.methodType(void.class, boolean.class)), 0, false);
                } catch (NoSuchMethodException e) {
                    create = l.findConstructor(c, MethodType.methodType(void.class));
                }
                Class<?> o = Object.class;
                return new Access(
                        create.asType(MethodType.methodType(o)),
                        l.findVirtual(c, "engineInit", MethodType.methodType(void.class, Key.class,
                                AlgorithmParameterSpec.class)).asType(MethodType.methodType(void.class, o, Key.class,
                                AlgorithmParameterSpec.class)),
                        l.findVirtual(c, "engineUpdate", MethodType.methodType(void.class, byte[].class, int.class,
                                int.class)).asType(MethodType.methodType(void.class, o, byte[].class, int.class,
                                int.class)),
                        l.findVirtual(c, "engineDoFinal", MethodType.methodType(byte[].class))
                                .asType(MethodType.methodType(byte[].class, o)),
                        null);
            } catch (ReflectiveOperationException e) {
                return new Access(null, null, null, null, e);
            } catch (RuntimeException e) { // e.g. a SecurityException or an InaccessibleObjectException
                return new Access(null, null, null, null, new ReflectiveOperationException(e.toString(), e));
            }
        }
    }
}
