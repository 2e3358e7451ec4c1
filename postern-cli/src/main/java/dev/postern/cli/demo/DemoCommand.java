package dev.postern.cli.demo;

import dev.postern.cli.CliEnvironment;
import dev.postern.cli.ExitCodes;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code postern demo}: the all-in-one local plane, until Ctrl-C. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Start an all-in-one Postern on loopback: server, gateway, org and app 'demo', demo machines.",
            // picocli's command list shows only the first line: a whole sentence
            "The server keeps its state in embedded H2 and the machines are local agent processes. Logs you in and",
            "prints commands to try. Ctrl-C stops it all."})
public final class DemoCommand implements Callable<Integer> {
    private final CliEnvironment env;

    @Option(names = "--machines", paramLabel = "N", defaultValue = "2", description = "demo machines, 0..8 (default ${DEFAULT-VALUE})")
    int machines;

    public DemoCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path data = Files.createTempDirectory("postern-demo");
        DemoPlane demo = DemoPlane.start(new DemoConfig(env, data, machines, DemoConfig.sameJvm(), true));
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            demo.close();
            stopped.countDown();
        }, "postern-demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        PrintStream out = env.out();
        out.println("Postern demo is running: server " + demo.baseUrl() + ", org demo, app demo, "
                + demo.agents().size() + " machine(s). You are logged in as context " + demo.contextName()
                + " (your other logins are kept; when the demo stops, the one you used before is current again).");
        for (String note : demo.notes()) {
            out.println("  note: " + note);
        }
        out.println();
        out.println("Try, in another terminal:");
        out.println("  postern machines list --app demo");
        out.println("  postern ssh console --app demo -C hostname");
        out.println("  postern ssh console --app demo");
        out.println("  ssh -F " + demo.sshConfig() + " root@<id>.vm.demo.internal."
                + dev.postern.cli.connect.ContextFiles.label(demo.contextName()));
        out.println();
        out.println("Ctrl-C stops the demo and its machines.");
        out.flush();
        stopped.await();
        return ExitCodes.OK;
    }
}
