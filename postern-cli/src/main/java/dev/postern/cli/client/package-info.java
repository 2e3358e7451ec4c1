/** Talking to the control plane: {@link dev.postern.cli.client.ApiClient}, the saved login, org resolution. */
package dev.postern.cli.client;
