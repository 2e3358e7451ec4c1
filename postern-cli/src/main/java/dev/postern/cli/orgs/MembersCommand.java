package dev.postern.cli.orgs;

import dev.postern.cli.OrgHelp;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.MissingSubcommandException;
import dev.postern.cli.Output;
import dev.postern.cli.client.ApiClient;
import dev.postern.cli.client.ServerAnswers;
import dev.postern.cli.client.Session;
import dev.postern.cli.client.SharedServer;
import dev.postern.common.Logins;
import dev.postern.common.Role;
import dev.postern.common.api.AddMemberRequest;
import dev.postern.common.api.AddMemberResponse;
import dev.postern.common.api.InviteResponse;
import dev.postern.common.api.MemberView;
import dev.postern.common.api.RemoveMemberResponse;
import dev.postern.common.api.SetMemberRequest;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code postern members add|set|invite|remove|list}: who belongs to an org, their logins, and invites for new
 * people.
 */
@Command(name = "members", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "COMMAND",
        description = "Add, remove, invite again and list the members of an org, and set their logins.")
public final class MembersCommand implements Runnable {
    private final CliEnvironment env;

    @Spec
    CommandSpec spec;

    public MembersCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public void run() {
        throw new MissingSubcommandException(spec.commandLine());
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add a person and print the one-time invite token they log in with.")
    int add(@Option(names = "--org", paramLabel = "O", description = OrgHelp.ORG) String org,
            @Option(names = "--email", required = true, paramLabel = "E") String email,
            @Option(names = "--role", paramLabel = "R", defaultValue = "member",
                    description = "owner, admin or member (default: ${DEFAULT-VALUE})") String role,
            @Option(names = "--login", paramLabel = "NAME", description = "the account their certificates carry in"
                    + " this org, unique there (default: the e-mail's local part when it is free and not a"
                    + " reserved name such as root)") String login) {
        String checkedEmail = Emails.check(email);
        Role checkedRole = role(role);
        String checkedLogin = login == null ? null : login(login);
        Session session = Session.require(env);
        String o = session.org(org, "postern members add --org ORG --email " + checkedEmail);
        AddMemberResponse added = session.api().post("/v1/orgs/" + ApiClient.segment(o) + "/members",
                new AddMemberRequest(checkedEmail, checkedRole.wire(), checkedLogin), AddMemberResponse.class);
        // the token goes into a command line the admin pastes and sends on: checked before anything is printed
        String token = added.inviteToken() == null ? null
                : ServerAnswers.of(session.api()).token("invite token", added.inviteToken(), "pst_");
        String who = Output.safe(added.email());
        env.out().println("Added " + who + " to " + o + " as " + Output.safe(added.role())
                + (added.login() == null ? "" : ", login " + Output.safe(added.login())) + ".");
        if (token == null) {
            env.out().println(who + " already has a Postern login; " + o + " is theirs to use at once.");
            return ExitCodes.OK;
        }
        env.out().println("Send them this command (the token works once, until "
                + Output.time(added.inviteExpiresAt()) + "):");
        SharedServer server = SharedServer.of(session);
        env.out().println("  postern auth login --server " + server.url() + " --token " + token
                + server.pinFlag());
        return ExitCodes.OK;
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Change a member's login in an org (their certificates for the old one are revoked).")
    int set(@Option(names = "--org", paramLabel = "O", description = OrgHelp.ORG) String org,
            @Option(names = "--email", required = true, paramLabel = "E") String email,
            @Option(names = "--login", required = true, paramLabel = "NAME",
                    description = "the account their certificates carry in this org, unique there") String login) {
        String checkedEmail = Emails.check(email);
        String checkedLogin = login(login);
        Session session = Session.require(env);
        String o = session.org(org, "postern members set --org ORG --email " + checkedEmail + " --login "
                + checkedLogin);
        MemberView m = session.api().post("/v1/orgs/" + ApiClient.segment(o) + "/members/"
                + ApiClient.segment(checkedEmail), new SetMemberRequest(checkedLogin), MemberView.class);
        env.out().println(Output.safe(m.email()) + " logs in to " + o + "'s machines as " + Output.safe(m.login())
                + "; certificates for an earlier login were revoked.");
        return ExitCodes.OK;
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = {"Remove a person from an org in one step: their certificates of the org are revoked, their "
                    + "live SSH sessions end, their pending login tokens are deleted and, when this was their last "
                    + "org, their API sessions end.", "Prints what is left to rotate by hand."})
    int remove(@Option(names = "--org", paramLabel = "O", description = OrgHelp.ORG) String org,
               @Option(names = "--email", required = true, paramLabel = "E") String email) {
        String checkedEmail = Emails.check(email);
        Session session = Session.require(env);
        String o = session.org(org, "postern members remove --org ORG --email " + checkedEmail);
        RemoveMemberResponse removed = session.api().delete("/v1/orgs/" + ApiClient.segment(o) + "/members/"
                + ApiClient.segment(checkedEmail), RemoveMemberResponse.class);
        Offboarded.print(env.out(), o, removed);
        return ExitCodes.OK;
    }

    @Command(name = "invite", mixinStandardHelpOptions = true,
            description = {"Give an existing member a fresh one-time login token (a new laptop, a lost login). "
                    + "Their certificates are untouched.", "Needs owner or admin rights in every org they belong to."})
    int invite(@Option(names = "--org", paramLabel = "O", description = OrgHelp.ORG) String org,
               @Option(names = "--email", required = true, paramLabel = "E") String email) {
        String checkedEmail = Emails.check(email);
        Session session = Session.require(env);
        String o = session.org(org, "postern members invite --org ORG --email " + checkedEmail);
        InviteResponse invite = session.api().post("/v1/orgs/" + ApiClient.segment(o) + "/members/"
                + ApiClient.segment(checkedEmail) + "/invite", null, InviteResponse.class);
        env.out().println("Send " + Output.safe(invite.email()) + " this command (the token works once, until "
                + Output.time(invite.expiresAt()) + "):");
        SharedServer server = SharedServer.of(session);
        env.out().println("  postern auth login --server " + server.url() + " --token " + invite.token()
                + server.pinFlag());
        return ExitCodes.OK;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List an org's members.")
    int list(@Option(names = "--org", paramLabel = "O", description = OrgHelp.ORG) String org,
             @Option(names = "--json", description = "Print JSON.") boolean json) {
        Session session = Session.require(env);
        String o = session.org(org, "postern members list --org ORG");
        List<MemberView> members = session.api().get("/v1/orgs/" + ApiClient.segment(o) + "/members",
                new TypeReference<List<MemberView>>() { });
        if (json) {
            Output.json(env.out(), members);
        } else {
            Output.table(env.out(), List.of("EMAIL", "ROLE", "LOGIN", "ADDED"), members.stream()
                    .map(m -> Arrays.asList(m.email(), m.role(), m.login(), Output.time(m.addedAt())))
                    .collect(Collectors.toList()));
        }
        return ExitCodes.OK;
    }

    private static String login(String text) {
        try {
            return Logins.checkPersonal(text.trim());
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--" + e.getMessage());
        }
    }

    private static Role role(String text) {
        try {
            return Role.parse(text);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--role " + e.getMessage());
        }
    }
}
