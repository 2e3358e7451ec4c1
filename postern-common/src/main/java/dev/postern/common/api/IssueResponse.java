package dev.postern.common.api;

/** Answer to issuing: the log entry and the certificate line to write to {@code PATH-cert.pub}. */
public record IssueResponse(CertificateView log, String certificate) {
}
