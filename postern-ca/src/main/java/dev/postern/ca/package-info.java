/** Postern ca module. */
package dev.postern.ca;
