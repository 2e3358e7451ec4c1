package dev.postern.testing;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;

/**
 * Every thread of this JVM with its stack and the locks it holds and waits for, printed when a test gives up
 * waiting: the servers under test (agent, gateway, control plane) run in the test's JVM, so a hang in one of them
 * is only ever seen here. Surefire keeps it in the test's {@code -output.txt} report.
 */
public final class ThreadDump {
    private ThreadDump() {
    }

    /** Prints the dump to standard error, headed by {@code why}. */
    public static void toStandardError(String why) {
        System.err.println(text(why));
    }

    /** The dump as text, headed by {@code why}. */
    public static String text(String why) {
        StringBuilder out = new StringBuilder("==== thread dump: ").append(why).append('\n');
        for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            out.append('"').append(t.getThreadName()).append("\" ").append(t.getThreadState());
            if (t.getLockName() != null) {
                out.append(" on ").append(t.getLockName());
            }
            if (t.getLockOwnerName() != null) {
                out.append(" owned by \"").append(t.getLockOwnerName()).append('"');
            }
            out.append('\n');
            StackTraceElement[] stack = t.getStackTrace();
            for (int i = 0; i < stack.length; i++) {
                out.append("\tat ").append(stack[i]).append('\n');
                for (MonitorInfo m : t.getLockedMonitors()) {
                    if (m.getLockedStackDepth() == i) {
                        out.append("\t- locked ").append(m).append('\n');
                    }
                }
            }
            for (LockInfo l : t.getLockedSynchronizers()) {
                out.append("\t- holds ").append(l).append('\n');
            }
            out.append('\n');
        }
        return out.append("==== end of thread dump\n").toString();
    }
}
