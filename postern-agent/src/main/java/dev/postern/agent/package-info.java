/** Postern agent module. */
package dev.postern.agent;
