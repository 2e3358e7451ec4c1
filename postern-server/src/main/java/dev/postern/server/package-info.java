/** Postern server module. */
package dev.postern.server;
