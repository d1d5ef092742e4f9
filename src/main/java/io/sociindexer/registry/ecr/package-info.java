/**
 * Amazon ECR registry credentials: {@code GetAuthorizationToken} through the AWS SDK for Java v2,
 * in the region named by the registry host, cached until shortly before the token expires.
 */
package io.sociindexer.registry.ecr;
