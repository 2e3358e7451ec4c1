/** Postern testing module. */
package dev.postern.testing;
