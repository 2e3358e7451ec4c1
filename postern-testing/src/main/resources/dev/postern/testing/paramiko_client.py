"""A paramiko 2.x client for Postern's interoperability tests (Debian 12's python3-paramiko).

Logs in with an OpenSSH private key plus its certificate, checks the server's host key against a known_hosts
file (RejectPolicy: an unknown key fails), optionally jumping through a gateway first (a direct-tcpip channel, as
ssh -J does), then runs the actions given on the command line in order:
  exec CMD           prints the command's stdout, exits with its exit status at the end
  put LOCAL REMOTE   SFTP upload
  get REMOTE LOCAL   SFTP download
The negotiated cipher is printed to stderr as "cipher=NAME".
"""
import argparse
import sys

import paramiko


def client(known_hosts):
    c = paramiko.SSHClient()
    c.load_host_keys(known_hosts)
    c.set_missing_host_key_policy(paramiko.RejectPolicy())
    return c


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--known-hosts", required=True)
    p.add_argument("--jump-host")
    p.add_argument("--jump-port", type=int)
    p.add_argument("actions", nargs="+")
    a = p.parse_args()

    key = paramiko.Ed25519Key.from_private_key_file(a.key)
    key.load_certificate(a.cert)
    sock = None
    jump = None
    if a.jump_host:
        jump = client(a.known_hosts)
        jump.connect(a.jump_host, a.jump_port, username=a.user, pkey=key, look_for_keys=False,
                     allow_agent=False, timeout=20)
        sock = jump.get_transport().open_channel("direct-tcpip", (a.host, a.port), ("127.0.0.1", 0))
    target = client(a.known_hosts)
    target.connect(a.host, a.port, username=a.user, pkey=key, look_for_keys=False, allow_agent=False,
                   sock=sock, timeout=20)
    print("cipher=" + target.get_transport().remote_cipher, file=sys.stderr)
    status = 0
    acts = list(a.actions)
    while acts:
        verb = acts.pop(0)
        if verb == "exec":
            _, out, _ = target.exec_command(acts.pop(0), timeout=20)
            sys.stdout.write(out.read().decode())
            status = out.channel.recv_exit_status()
        elif verb == "put":
            sftp = target.open_sftp()
            sftp.put(acts.pop(0), acts.pop(0))
            sftp.close()
        elif verb == "get":
            sftp = target.open_sftp()
            sftp.get(acts.pop(0), acts.pop(0))
            sftp.close()
        else:
            raise SystemExit("unknown action " + verb)
    target.close()
    if jump:
        jump.close()
    sys.exit(status)


if __name__ == "__main__":
    main()
