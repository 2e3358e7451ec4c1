package dev.postern.gateway;

import java.util.Objects;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.OpenSshCertificate;

/** Who is logged in on a gateway connection: a machine (host certificate) or a person (user certificate). */
sealed interface GatewayLogin {
    /** Session attribute set by {@link GatewayAuthenticator} after every check passed. */
    AttributeKey<GatewayLogin> KEY = new AttributeKey<>();

    String org();

    OpenSshCertificate certificate();

    /** A machine's tunnel connection. */
    record Machine(MachineRecord machine, OpenSshCertificate certificate) implements GatewayLogin {
        public Machine {
            Objects.requireNonNull(machine, "machine");
            Objects.requireNonNull(certificate, "certificate");
        }

        @Override
        public String org() {
            return machine.org();
        }
    }

    /** A person on their way to a machine. */
    record Person(String org, String email, OpenSshCertificate certificate) implements GatewayLogin {
        public Person {
            Objects.requireNonNull(org, "org");
            Objects.requireNonNull(email, "email");
            Objects.requireNonNull(certificate, "certificate");
        }
    }
}
