package dev.postern.bench;

import java.time.Duration;
import java.util.List;

/** One benchmark of issue 5: runs Postern and its OpenSSH peer alternately (A B A B ...). */
interface Benchmark {
    /** The number in issue 5's table. */
    int number();

    String title();

    /** How long it may take at most, for the mode of {@code options}. */
    Duration budget(Options options);

    List<Measurement> run(Rig rig, Deadline deadline) throws Exception;
}
