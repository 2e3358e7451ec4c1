package dev.postern.server;

/** Where machines dial out to, and the gateway host key they pin. */
record GatewayEndpoint(String address, String hostKeyLine) {
}
