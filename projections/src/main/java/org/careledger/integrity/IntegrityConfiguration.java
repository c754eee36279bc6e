package org.careledger.integrity;

import org.careledger.storage.EmbeddedDbProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;

/** The checkpoint signing key and the keys whose checkpoints are trusted (ADR 21). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(IntegrityProperties.class)
public class IntegrityConfiguration {

    /** The keys: the one that signs, and every public key whose checkpoints verify accepts. */
    public record Keys(SigningKey signing, List<PublicKey> trusted) {
    }

    @Bean
    public Keys integrityKeys(IntegrityProperties properties, ObjectProvider<EmbeddedDbProperties> embedded) {
        Path file = properties.signingKey();
        if (file == null) {
            EmbeddedDbProperties db = embedded.getIfAvailable();
            Path dataDir = db == null ? Path.of("data", "postgres") : db.dataDir();
            Path parent = dataDir.toAbsolutePath().normalize().getParent();
            file = (parent == null ? Path.of(".") : parent).resolve("ledger-signing-key.pem");
        }
        SigningKey key = SigningKey.loadOrGenerate(file);
        List<PublicKey> trusted = new ArrayList<>();
        trusted.add(key.publicKey());
        for (Path pub : properties.trustedPublicKeys()) {
            try {
                trusted.add(SigningKey.publicKeyFromPem(Files.readString(pub)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read trusted public key " + pub, e);
            }
        }
        return new Keys(key, List.copyOf(trusted));
    }
}
