/** Postern common module. */
package dev.postern.common;
