package io.bulwark.auth;

import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The RSA key that signs the tokens. Kept in a file (PKCS#8, Base64, owner-only) when one is
 * configured, so tokens stay valid across a restart; the key id is derived from the key itself.
 */
final class SigningKey {

  private SigningKey() {}

  static RSAKey load(@Nullable Path file) {
    KeyPair pair = file == null ? generate() : loadOrCreate(file);
    RSAPublicKey publicKey = (RSAPublicKey) pair.getPublic();
    RSAKey key =
        new RSAKey.Builder(publicKey)
            .privateKey(pair.getPrivate())
            .keyID(UUID.randomUUID().toString())
            .build();
    try {
      return new RSAKey.Builder(key).keyIDFromThumbprint().build();
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new IllegalStateException("cannot derive the signing key's id", e);
    }
  }

  private static KeyPair loadOrCreate(Path file) {
    try {
      if (Files.exists(file)) {
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        byte[] encoded = Base64.getDecoder().decode(String.join("", lines).trim());
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        RSAPrivateCrtKey privateKey =
            (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(encoded));
        RSAPublicKey publicKey =
            (RSAPublicKey)
                rsa.generatePublic(
                    new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
        return new KeyPair(publicKey, privateKey);
      }
      KeyPair pair = generate();
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Path written =
          Files.createFile(
              file,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(
          written,
          Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded()) + "\n",
          StandardCharsets.US_ASCII);
      return pair;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the signing key in " + file, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("not an RSA private key in PKCS#8: " + file, e);
    }
  }

  private static KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
