/** Postern ssh module. */
package dev.postern.ssh;
