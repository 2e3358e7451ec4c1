package dev.postern.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What counts as a secret, and that a masked value never holds the value. */
class SecretsTest {
    @Test
    void namesThatSaySecret() {
        assertThat(Secrets.secretName("DB_PASSWORD")).isTrue();
        assertThat(Secrets.secretName("dbPassword")).isTrue();
        assertThat(Secrets.secretName("NPM_TOKEN")).isTrue();
        assertThat(Secrets.secretName("GITHUBTOKEN")).isTrue();
        assertThat(Secrets.secretName("STRIPE_API_KEY")).isTrue();
        assertThat(Secrets.secretName("SSH_PRIVATE_KEY")).isTrue();
        assertThat(Secrets.secretName("SMTP_PASS")).isTrue();
        assertThat(Secrets.secretName("client-secret")).isTrue();
        // names that point at a secret, or only look alike
        assertThat(Secrets.secretName("DB_PASSWORD_FILE")).isFalse();
        assertThat(Secrets.secretName("TOKEN_TTL")).isFalse();
        assertThat(Secrets.secretName("TOKENIZERS_PARALLELISM")).isFalse();
        assertThat(Secrets.secretName("PASSENGER_PORT")).isFalse();
        assertThat(Secrets.secretName("CACHE_KEY_PREFIX")).isFalse();
    }

    @Test
    void valuesThatAreSecretsWhateverTheirName() {
        assertThat(Secrets.secretValue("postgres://app:pw@db:5432/x")).contains("a URL with a password");
        assertThat(Secrets.secretValue("postgres://app@db:5432/x")).isEmpty();
        assertThat(Secrets.secretValue("https://example.com:8443/path")).isEmpty();
        assertThat(Secrets.secretValue("id AKIAIOSFODNN7EXAMPLE")).contains("an AWS access key id");
        assertThat(Secrets.secretValue("-----BEGIN RSA PRIVATE KEY-----\nMII...")).contains("a PEM private key");
        assertThat(Secrets.secretValue("-----BEGIN CERTIFICATE-----\nMII...")).isEmpty();
        assertThat(Secrets.secretValue("ghp_R4nd0mT0k3nV4lu3xYz12345")).contains("a random-looking token");
        // hex digests, words, paths and versions are not
        assertThat(Secrets.secretValue("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")).isEmpty();
        assertThat(Secrets.secretValue("production-environment-name")).isEmpty();
        assertThat(Secrets.secretValue("/usr/local/lib/python3.12/site-packages")).isEmpty();
        assertThat(Secrets.secretValue("1.22.3-bookworm")).isEmpty();
        assertThat(Secrets.why("API_TOKEN", "")).isEmpty();
        assertThat(Secrets.why("API_TOKEN", "x")).contains("is named like a secret");
        // settings named like secrets
        assertThat(Secrets.why("TOKEN_AUTH", "true")).isEmpty();
        assertThat(Secrets.why("SECRET_ROTATION_DAYS", "30")).isEmpty();
        assertThat(Secrets.why("OPENAI_MAX_TOKENS", "4096abc")).isEmpty();
    }

    @Test
    void aMaskedValueShowsTwoCharactersAndTheLengthAtMost() {
        assertThat(Secrets.mask("hunter2-correct-horse")).isEqualTo("\"hu…\" (21 chars)");
        assertThat(Secrets.mask("hunter2")).isEqualTo("(7 chars)").doesNotContain("hu");
        assertThat(Secrets.mask("123456789")).doesNotContain("123456789").contains("(9 chars)");
        assertThat(Secrets.mask("")).isEqualTo("(0 chars)");
    }
}
