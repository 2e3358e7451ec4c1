-- Each membership holds the login (Unix account name) the org gave the person; certificates of a member carry
-- exactly this name. Unique per org, so two people can never share an account through their e-mails'
-- local parts (bob@a.example, bob@b.example). NULL until assigned: several NULLs never collide in either
-- database. Existing members are left without one: an owner or admin assigns it with
-- 'postern members set --org O --email E --login NAME' (the server refuses to issue to a member until then).
-- Same portable SQL rules as V1.

ALTER TABLE memberships ADD COLUMN login VARCHAR(32);
ALTER TABLE memberships ADD CONSTRAINT memberships_org_login_uq UNIQUE (org_id, login);
