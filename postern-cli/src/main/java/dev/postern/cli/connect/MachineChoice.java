package dev.postern.cli.connect;

import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.Output;
import dev.postern.cli.client.DidYouMean;
import dev.postern.cli.client.Printable;
import dev.postern.common.api.MachineView;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Which machine a connection goes to. A named machine is that machine or a failure naming it, never
 * another one; otherwise any online machine (of the region, when one is given), or the person's pick.
 */
public final class MachineChoice {
    /** Asks the person to pick one of {@code candidates} (already numbered from 1 when shown). */
    public interface Picker {
        MachineView pick(List<MachineView> candidates);
    }

    private MachineChoice() {
    }

    /**
     * @param machineId {@code --machine}, an id or a full name; null for none
     * @param region {@code --region}; null for any
     * @param picker null unless {@code --select}
     */
    public static MachineView choose(List<MachineView> machines, String app, String machineId, String region,
                                     Picker picker) {
        if (machineId != null && (region != null || picker != null)) {
            throw CliException.usage("--machine names one machine; leave out --region and --select");
        }
        if (machineId != null) {
            String id = machineId.trim();
            MachineView m = machines.stream().filter(x -> x.id().equals(id) || x.name().equals(id)).findFirst()
                    .orElseThrow(() -> CliException.usage("no machine '" + Printable.escape(id) + "' in app '" + app
                            + "'; see 'postern machines list --app " + app + "'"
                            + DidYouMean.suffix(id, machines.stream().map(MachineView::id).toList())));
            if (!online(m)) {
                throw new CliException(ExitCodes.FAILURE, "machine " + Printable.escape(m.id()) + " of app " + app + " is offline (last seen "
                        + Output.time(m.lastSeen()) + "); not connecting to another machine. Start its agent, or leave "
                        + "out --machine to use any online machine");
            }
            return m;
        }
        List<MachineView> candidates = machines.stream().filter(MachineChoice::online)
                .filter(m -> region == null || region.trim().equals(m.region())).collect(Collectors.toList());
        if (candidates.isEmpty()) {
            String where = region == null ? "app " + app : "region " + region.trim() + " of app " + app;
            throw new CliException(ExitCodes.FAILURE, machines.isEmpty()
                    ? "app " + app + " has no machines yet; let one join with the line printed by 'postern tokens "
                    + "create machine --app " + app + "'"
                    : region != null && machines.stream().anyMatch(MachineChoice::online)
                    ? "no online machine of app " + app + " is in region " + region.trim() + "; see the regions with "
                    + "'postern machines list --app " + app + "'"
                    : "no machine in " + where + " is online (" + machines.size() + " known, all offline); see "
                    + "'postern machines list --app " + app + "'");
        }
        if (picker != null) {
            return picker.pick(candidates);
        }
        return candidates.get(0);
    }

    static boolean online(MachineView m) {
        return "online".equals(m.state());
    }
}
