package dev.postern.common.api;

/**
 * Body of {@code POST /v1/orgs/{org}/members}; role is {@code owner|admin|member}. {@code login} is the Unix
 * account the person's certificates carry in this org (unique in the org, never a reserved name such as
 * {@code root}); when null the server proposes the e-mail's local part if that is valid, free and not reserved.
 */
public record AddMemberRequest(String email, String role, String login) {
    /** Without a login: the server proposes one. */
    public AddMemberRequest(String email, String role) {
        this(email, role, null);
    }
}
