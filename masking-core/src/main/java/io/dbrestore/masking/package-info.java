/**
 * The masking library every job shares: the rules file ({@code rules}), the strategies that mask
 * values ({@code strategy}), and the engines that read, mask, write and verify a database ({@code
 * engine}, {@code mongo}).
 */
package io.dbrestore.masking;
