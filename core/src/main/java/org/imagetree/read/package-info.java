/**
 * Reading image definitions from disk, compatible with docker-pkg 4.0.4: Debian changelogs
 * ({@link org.imagetree.read.ChangelogReader}, {@link org.imagetree.read.ChangelogWriter}), deb822 control files
 * ({@link org.imagetree.read.ControlFile}), tree discovery ({@link org.imagetree.read.ImageScanner}) and build
 * contexts ({@link org.imagetree.read.BuildContextWriter} with Docker's {@link org.imagetree.read.DockerIgnore}).
 * Every problem a user can cause is an {@link org.imagetree.InputError} naming file and line.
 */
package org.imagetree.read;
