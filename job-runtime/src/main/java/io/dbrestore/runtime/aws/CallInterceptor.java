package io.dbrestore.runtime.aws;

import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.error.JobException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Sees every AWS call a job makes. Logs it at debug (service and operation, never parameters: they
 * may hold secrets), and in a dry run stops any call that would change something: jobs skip such
 * calls themselves through the safety guard, so one that reaches the SDK is a bug, and failing the
 * run is safer than making it. In a preflight it also lets through what only evaluates: {@code
 * Simulate*} (IAM's policy simulation) and requests with {@code DryRun=true} (EC2's permission
 * probe).
 */
final class CallInterceptor implements ExecutionInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(CallInterceptor.class);

  /** What the interceptor lets through. */
  enum Mode {
    RUN,
    DRY_RUN,
    PREFLIGHT
  }

  private final Mode mode;

  CallInterceptor(boolean dryRun) {
    this(dryRun ? Mode.DRY_RUN : Mode.RUN);
  }

  CallInterceptor(Mode mode) {
    this.mode = mode;
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    boolean read = AwsCallPolicy.isReadOnly(operation);
    if (mode == Mode.DRY_RUN) {
      // A dry run shows every call it makes; the ones it would make are in the plan.
      LOG.info("[dry-run] aws call {}:{} ({})", service, operation, read ? "reads" : "stopped");
    } else {
      LOG.debug("aws call {}:{}{}", service, operation, read ? "" : " (changes state)");
    }
    if (mode == Mode.DRY_RUN && !read) {
      throw new JobException(
          ExitCode.FAULT,
          "dry-run-violation",
          "dry run stopped a call that changes state ("
              + service
              + ":"
              + operation
              + ") that bypassed the safety guard; this is a bug in dbrestore, please report it");
    }
    if (mode == Mode.PREFLIGHT && !read && !evaluatesOnly(operation, context.request())) {
      throw new JobException(
          ExitCode.FAULT,
          io.dbrestore.runtime.preflight.Preflight.VIOLATION,
          "preflight stopped a call that changes state ("
              + service
              + ":"
              + operation
              + "); this is a bug in dbrestore, please report it");
    }
  }

  /** A policy simulation, or a request that asks only whether it would be allowed. */
  static boolean evaluatesOnly(String operation, SdkRequest request) {
    if (operation != null && operation.startsWith("Simulate")) {
      return true;
    }
    return request.getValueForField("DryRun", Boolean.class).orElse(false);
  }
}
