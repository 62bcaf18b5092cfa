/**
 * The masking library every job shares: the rules file, the maskers, parallel scheduling and
 * verification, and the engines that read and write MongoDB and SQL. It arrives with the masking
 * issues; this package holds its place in the build.
 */
package io.dbrestore.masking;
