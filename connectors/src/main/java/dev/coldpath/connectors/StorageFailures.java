package dev.coldpath.connectors;

import dev.coldpath.core.spec.JobSpec;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Says why a file system call failed, for coldpath's error messages: access denied, no credentials, no such
 * bucket, store unreachable, with what to check; otherwise the first line of the file system's own message.
 * Every message is scrubbed of the secrets the configuration and the environment hold (S3 secret keys, session
 * tokens), so none can reach a log, a report or a terminal through an error.
 */
final class StorageFailures {
    private static final List<String> SECRET_ENV = List.of("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
            "AWS_ACCESS_KEY_ID");

    private StorageFailures() {
    }

    /** "Cannot ACTION PATH: REASON", without secrets. */
    static String describe(String action, String path, IOException e, Configuration conf) {
        return scrub("Cannot " + action + " " + path + ": " + reason(path, e, conf), conf);
    }

    /** Why {@code e} happened, and what to check, in one line. */
    static String reason(String path, IOException e, Configuration conf) {
        String bucket = bucket(path);
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String name = t.getClass().getName();
            if (t instanceof AccessDeniedException) {
                return "access denied" + (bucket == null ? "" : " by bucket " + bucket) + " ("
                        + credentialsHint(bucket) + ")";
            }
            if (name.endsWith(".NoAuthWithAWSException") || name.endsWith(".CredentialInitializationException")) {
                return "no usable credentials" + (bucket == null ? "" : " for bucket " + bucket) + " ("
                        + credentialsHint(bucket) + ")";
            }
            if (name.endsWith(".UnknownStoreException")) {
                return "bucket " + bucket + " does not exist (check the bucket name, fs.s3a.endpoint and"
                        + " fs.s3a.endpoint.region)";
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException
                    || t instanceof UnknownHostException || t instanceof SocketTimeoutException
                    || name.endsWith(".ConnectTimeoutException") || name.endsWith(".HttpHostConnectException")
                    || name.endsWith(".AWSApiCallTimeoutException")) {
                if (bucket == null) { // HDFS, or another store reached at the path's host and port
                    return "the store " + store(path, conf) + " cannot be reached (" + firstLine(t) + "; is it up?"
                            + " check the path's host and port (fs.defaultFS for a path without a scheme) and the"
                            + " network; retrying may help)";
                }
                return "the store " + endpoint(bucket, conf) + " cannot be reached (" + firstLine(t)
                        + "; is it up? check fs.s3a.endpoint and the network; retrying may help)";
            }
        }
        return firstLine(e);
    }

    private static String credentialsHint(String bucket) {
        String perBucket = bucket == null ? "" : ", or fs.s3a.bucket." + bucket + ".access.key/.secret.key";
        return "check the credentials: fs.s3a.access.key and fs.s3a.secret.key" + perBucket
                + ", fs.s3a.aws.credentials.provider, or the AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY environment,"
                + " AWS profile or instance role; and that they may use this bucket";
    }

    /** The scheme and authority of the store that holds {@code path}: {@code hdfs://namenode:8020}. */
    private static String store(String path, Configuration conf) {
        try {
            URI uri = new Path(path).toUri();
            if (uri.getScheme() == null && conf != null) {
                uri = FileSystem.getDefaultUri(conf);
            }
            return uri.getScheme() + "://" + (uri.getAuthority() == null ? "" : uri.getAuthority());
        } catch (IllegalArgumentException e) {
            return path;
        }
    }

    private static String endpoint(String bucket, Configuration conf) {
        String endpoint = bucket == null ? null : conf.getTrimmed("fs.s3a.bucket." + bucket + ".endpoint");
        if (endpoint == null || endpoint.isEmpty()) {
            endpoint = conf.getTrimmed("fs.s3a.endpoint", "");
        }
        return endpoint.isEmpty() ? (bucket == null ? "" : "for bucket " + bucket) : endpoint;
    }

    /** The bucket of an s3a/s3/s3n path, or null. */
    static String bucket(String path) {
        try {
            URI uri = new Path(path).toUri();
            return uri.getScheme() != null && uri.getScheme().startsWith("s3") ? uri.getHost() : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The message with every secret value the configuration or environment holds replaced. */
    static String scrub(String message, Configuration conf) {
        List<String> secrets = new ArrayList<>();
        if (conf != null) {
            for (Map.Entry<String, String> entry : conf.getPropsWithPrefix("fs.").entrySet()) {
                if (JobSpec.isSecretKey(entry.getKey()) && entry.getValue() != null) {
                    secrets.add(entry.getValue());
                }
            }
        }
        SECRET_ENV.forEach(name -> {
            String value = System.getenv(name);
            if (value != null) {
                secrets.add(value);
            }
        });
        String out = message;
        for (String secret : secrets) {
            if (secret.strip().length() >= 4) { // a 1-3 character "secret" would blank ordinary words
                out = out.replace(secret.strip(), "<redacted>");
            }
        }
        return out;
    }

    private static String firstLine(Throwable t) {
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return t.getClass().getSimpleName();
        }
        return message.lines().findFirst().orElse("").strip();
    }
}
