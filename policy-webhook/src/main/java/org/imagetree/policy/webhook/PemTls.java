package org.imagetree.policy.webhook;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Builds a server {@link SSLContext} from PEM files: a certificate chain (leaf first) and a private key in
 * PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC1 ({@code BEGIN EC PRIVATE KEY})
 * form. PKCS#1 and SEC1 keys are wrapped into PKCS#8 here, so no extra crypto library is needed. Encrypted keys
 * are not supported. Key material is never logged or put in messages.
 */
public final class PemTls {
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");
    private static final byte[] RSA_ALGORITHM_ID = hex("300d06092a864886f70d0101010500");
    private static final byte[] EC_PUBLIC_KEY_OID = hex("06072a8648ce3d0201");

    private PemTls() {}

    /** Loads the files and builds a TLS context with TLS 1.2/1.3 defaults. */
    public static SSLContext serverContext(Path certificateChain, Path privateKey) throws IOException {
        String certs = Files.readString(certificateChain, StandardCharsets.US_ASCII);
        String key = Files.readString(privateKey, StandardCharsets.US_ASCII);
        try {
            return serverContext(certs, key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (certificate " + certificateChain + ", key " + privateKey + ")", e);
        }
    }

    /** Builds a TLS context from PEM text. */
    public static SSLContext serverContext(String certificateChainPem, String privateKeyPem) {
        List<Certificate> chain = certificates(certificateChainPem);
        PrivateKey key = privateKey(privateKeyPem);
        if (!matches(key, chain.get(0))) {
            throw new IllegalArgumentException("the private key does not belong to the (first) certificate");
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] password = new char[0];
            store.setKeyEntry("server", key, password, chain.toArray(Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot use the certificate and key: " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code key} is the private half of the certificate's public key: a signature made with it verifies
     * with the certificate (so a mismatch is refused at start, not at each handshake).
     */
    static boolean matches(PrivateKey key, Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "RSASSA-PSS" -> "RSASSA-PSS";
            default -> null;
        };
        if (algorithm == null || !key.getAlgorithm().equals(certificate.getPublicKey().getAlgorithm())) {
            return algorithm == null; // an algorithm we cannot check: let the handshake decide
        }
        try {
            byte[] challenge = new byte[32];
            new java.security.SecureRandom().nextBytes(challenge);
            java.security.Signature signer = java.security.Signature.getInstance(algorithm);
            if (algorithm.equals("RSASSA-PSS")) signer.setParameter(PSS);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
            if (algorithm.equals("RSASSA-PSS")) verifier.setParameter(PSS);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static final java.security.spec.PSSParameterSpec PSS = new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
            java.security.spec.MGF1ParameterSpec.SHA256, 32, 1);

    /** The certificates in a PEM text, in order. */
    public static List<Certificate> certificates(String pem) {
        List<Certificate> out = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            Matcher m = BLOCK.matcher(pem);
            while (m.find()) {
                if (m.group(1).equals("CERTIFICATE")) {
                    out.add(factory.generateCertificate(new ByteArrayInputStream(decode(m.group(2)))));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("invalid certificate: " + e.getMessage(), e);
        }
        if (out.isEmpty()) throw new IllegalArgumentException("no PEM certificate found");
        return List.copyOf(out);
    }

    /** The first private key in a PEM text. */
    public static PrivateKey privateKey(String pem) {
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            String type = m.group(1);
            switch (type) {
                case "PRIVATE KEY" -> { return pkcs8(decode(m.group(2))); }
                case "RSA PRIVATE KEY" -> { return pkcs8(wrapRsa(decode(m.group(2)))); }
                case "EC PRIVATE KEY" -> { return pkcs8(wrapEc(decode(m.group(2)))); }
                case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException("encrypted private keys are not supported; decrypt it first");
                default -> { /* skip other blocks, such as EC PARAMETERS */ }
            }
        }
        throw new IllegalArgumentException("no PEM private key found (expected PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
    }

    private static PrivateKey pkcs8(byte[] der) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("unsupported or corrupt private key");
    }

    /** PKCS#1 RSAPrivateKey → PKCS#8 PrivateKeyInfo {version 0, rsaEncryption, OCTET STRING}. */
    private static byte[] wrapRsa(byte[] pkcs1) {
        return sequence(concat(hex("020100"), RSA_ALGORITHM_ID, tlv(0x04, pkcs1)));
    }

    /** SEC1 ECPrivateKey → PKCS#8, taking the curve OID from the key's {@code [0] parameters}. */
    private static byte[] wrapEc(byte[] sec1) {
        byte[] curve = Der.curveOid(sec1);
        return sequence(concat(hex("020100"), sequence(concat(EC_PUBLIC_KEY_OID, curve)), tlv(0x04, sec1)));
    }

    private static byte[] decode(String base64) {
        try {
            return Base64.getMimeDecoder().decode(base64.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid base64 in PEM block", e);
        }
    }

    private static byte[] sequence(byte[] content) { return tlv(0x30, content); }

    static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int len = content.length;
        if (len < 0x80) {
            out.write(len);
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(len) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) out.write(len >>> (8 * i));
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    private static byte[] hex(String s) {
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        return out;
    }

    /** Just enough DER reading to find the curve of a SEC1 key. */
    static final class Der {
        private Der() {}

        /** The encoded OID (tag, length, value) inside {@code [0]} of an ECPrivateKey SEQUENCE. */
        static byte[] curveOid(byte[] sec1) {
            int[] seq = header(sec1, 0, 0x30);
            int pos = seq[0];
            int end = seq[0] + seq[1];
            while (pos < end) {
                int tag = sec1[pos] & 0xff;
                int[] h = header(sec1, pos, tag);
                if (tag == 0xa0) {
                    int[] oid = header(sec1, h[0], 0x06);
                    return Arrays.copyOfRange(sec1, h[0], oid[0] + oid[1]);
                }
                pos = h[0] + h[1];
            }
            throw new IllegalArgumentException("EC private key without curve parameters; convert it to PKCS#8");
        }

        /** Returns {content offset, content length} of the element at {@code pos}, checking its tag. */
        private static int[] header(byte[] der, int pos, int expectedTag) {
            if (pos + 2 > der.length || (der[pos] & 0xff) != expectedTag) throw new IllegalArgumentException("corrupt EC private key");
            int len = der[pos + 1] & 0xff;
            int offset = pos + 2;
            if (len >= 0x80) {
                int bytes = len & 0x7f;
                if (bytes == 0 || bytes > 3 || offset + bytes > der.length) throw new IllegalArgumentException("corrupt EC private key");
                len = 0;
                for (int i = 0; i < bytes; i++) len = (len << 8) | (der[offset + i] & 0xff);
                offset += bytes;
            }
            if (offset + len > der.length) throw new IllegalArgumentException("corrupt EC private key");
            return new int[] {offset, len};
        }
    }
}
