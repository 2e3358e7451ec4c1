/** Postern store module. */
package dev.postern.store;
