/** Postern cli module. */
package dev.postern.cli;
