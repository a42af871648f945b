package org.imagetree.security;

import org.bouncycastle.bcpg.ArmoredInputStream;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentVerifierBuilderProvider;
import org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Verifies a clear-signed {@code InRelease} against a keyring ({@code signed-by}: binary {@code .gpg} or ASCII-armoured
 * {@code .asc}), as APT does: at least one signature must be by a key of the keyring and good, and no signature by a
 * key of the keyring may be bad. Returns the signed text. BouncyCastle's provider is passed per call, never installed
 * globally.
 */
final class InReleaseVerifier {
    private static final Provider BC = new BouncyCastleProvider();

    private InReleaseVerifier() {}

    /** A signature that does not verify, or no signature from the keyring. */
    static final class BadSignature extends Exception {
        private static final long serialVersionUID = 1L;

        BadSignature(String message) { super(message); }
    }

    static PGPPublicKeyRingCollection readKeyring(Path keyring) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(keyring);
        } catch (IOException e) {
            throw new IOException("cannot read keyring " + keyring + ": " + e.getMessage(), e);
        }
        List<PGPPublicKeyRing> rings = new ArrayList<>();
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(bytes))) {
            // A keyring file may be several armoured blocks or binary keyrings one after the other.
            JcaPGPObjectFactory f = new JcaPGPObjectFactory(in);
            for (Object o; (o = nextOrNull(f)) != null; ) {
                if (o instanceof PGPPublicKeyRing r) rings.add(r);
            }
        }
        if (rings.isEmpty()) throw new IOException("keyring " + keyring + " holds no OpenPGP public key");
        return new PGPPublicKeyRingCollection(rings);
    }

    private static Object nextOrNull(JcaPGPObjectFactory f) throws IOException {
        try {
            return f.nextObject();
        } catch (IOException e) {
            return null; // trailing garbage or an unsupported packet after the keys
        }
    }

    /** @return the signed text (the Release fields), LF line endings */
    static String verify(byte[] inRelease, PGPPublicKeyRingCollection keys, String what) throws BadSignature, IOException {
        ArmoredInputStream aIn = new ArmoredInputStream(new ByteArrayInputStream(inRelease));
        ByteArrayOutputStream lineOut = new ByteArrayOutputStream();
        List<byte[]> lines = new ArrayList<>();
        int lookAhead = readInputLine(lineOut, aIn);
        if (lookAhead == -1 || !aIn.isClearText()) throw new BadSignature(what + " is not clear-signed");
        lines.add(lineOut.toByteArray());
        while (lookAhead != -1 && aIn.isClearText()) {
            lookAhead = readInputLine(lineOut, lookAhead, aIn);
            lines.add(lineOut.toByteArray());
        }
        JcaPGPObjectFactory pgp = new JcaPGPObjectFactory(aIn);
        Object o = pgp.nextObject();
        if (!(o instanceof PGPSignatureList signatures) || signatures.isEmpty()) throw new BadSignature(what + " carries no signature");

        // The signed text: lines without their trailing white space, joined by CR LF, without the final line end.
        ByteArrayOutputStream signed = new ByteArrayOutputStream();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            byte[] line = lines.get(i);
            int n = lengthWithoutSeparatorOrTrailingWhitespace(line);
            if (i > 0) signed.write(new byte[] {'\r', '\n'}, 0, 2);
            signed.write(line, 0, n);
            text.append(new String(line, 0, lengthWithoutSeparator(line), StandardCharsets.UTF_8)).append('\n');
        }
        byte[] data = signed.toByteArray();
        int good = 0;
        List<String> unknown = new ArrayList<>();
        for (Iterator<PGPSignature> it = signatures.iterator(); it.hasNext(); ) {
            PGPSignature sig = it.next();
            PGPPublicKey key = keys.getPublicKey(sig.getKeyID());
            if (key == null) {
                unknown.add(String.format("%016X", sig.getKeyID()));
                continue;
            }
            try {
                sig.init(new JcaPGPContentVerifierBuilderProvider().setProvider(BC), key);
                sig.update(data);
                if (!sig.verify()) throw new BadSignature(what + ": BAD signature by key " + String.format("%016X", sig.getKeyID()));
            } catch (PGPException e) {
                throw new BadSignature(what + ": signature by key " + String.format("%016X", sig.getKeyID()) + " cannot be checked: " + e.getMessage());
            }
            good++;
        }
        if (good == 0) throw new BadSignature(what + " is not signed by any key of the keyring (signed by " + String.join(", ", unknown) + ")");
        // Drop the line that ends the clear text (the empty line before the signature block), if the reader kept one.
        String s = text.toString();
        while (s.endsWith("\n\n")) s = s.substring(0, s.length() - 1);
        return s;
    }

    private static int readInputLine(ByteArrayOutputStream bOut, InputStream fIn) throws IOException {
        bOut.reset();
        int lookAhead = -1;
        int ch;
        while ((ch = fIn.read()) >= 0) {
            bOut.write(ch);
            if (ch == '\r' || ch == '\n') {
                lookAhead = readPassedEol(bOut, ch, fIn);
                break;
            }
        }
        return lookAhead;
    }

    private static int readInputLine(ByteArrayOutputStream bOut, int lookAhead, InputStream fIn) throws IOException {
        bOut.reset();
        int ch = lookAhead;
        do {
            bOut.write(ch);
            if (ch == '\r' || ch == '\n') {
                lookAhead = readPassedEol(bOut, ch, fIn);
                break;
            }
        } while ((ch = fIn.read()) >= 0);
        if (ch < 0) lookAhead = -1;
        return lookAhead;
    }

    private static int readPassedEol(ByteArrayOutputStream bOut, int lastCh, InputStream fIn) throws IOException {
        int lookAhead = fIn.read();
        if (lastCh == '\r' && lookAhead == '\n') {
            bOut.write(lookAhead);
            lookAhead = fIn.read();
        }
        return lookAhead;
    }

    private static int lengthWithoutSeparator(byte[] line) {
        int end = line.length - 1;
        while (end >= 0 && (line[end] == '\r' || line[end] == '\n')) end--;
        return end + 1;
    }

    private static int lengthWithoutSeparatorOrTrailingWhitespace(byte[] line) {
        int end = line.length - 1;
        while (end >= 0 && (line[end] == '\r' || line[end] == '\n' || line[end] == ' ' || line[end] == '\t')) end--;
        return end + 1;
    }
}
