package dev.postern.cli.connect;

import dev.postern.cli.OrgHelp;
import picocli.CommandLine.Option;

/** The options that say which machine to reach, shared by {@code ssh console}, {@code ssh sftp} and {@code proxy}. */
public final class TargetOptions {
    @Option(names = {"-a", "--app"}, required = true, paramLabel = "A", description = "the app")
    public String app;

    @Option(names = {"-o", "--org"}, paramLabel = "O", description = OrgHelp.ORG_OF_APP)
    public String org;

    @Option(names = "--machine", paramLabel = "ID",
            description = "this machine and no other (fails when it is offline)")
    public String machine;

    @Option(names = {"-s", "--select"}, description = "pick the machine from a numbered list")
    public boolean select;

    @Option(names = {"-r", "--region"}, paramLabel = "R", description = "only machines in this region")
    public String region;

    @Option(names = {"-u", "--user"}, paramLabel = "USER",
            description = "login user on the machine (default: root for org owners and admins, your own login name"
                    + " for members)")
    public String user;
}
