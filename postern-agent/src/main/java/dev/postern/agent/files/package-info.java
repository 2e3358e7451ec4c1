/**
 * File transfer for the agent: SFTP (which modern scp also uses) and legacy scp ({@code scp -O}), both
 * in-process and acting as the certificate's login user. Entry point: {@link dev.postern.agent.files.FileTransfer}.
 * rsync needs nothing here: it runs {@code rsync --server} through the exec path.
 */
package dev.postern.agent.files;
