package io.dbrestore.runtime.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RedactorTest {
  @AfterEach
  void forget() {
    Redactor.clearSecrets();
  }

  @Test
  void passwordsInConnectionStrings_areMasked() {
    assertThat(Redactor.redact("jdbc:postgresql://admin:s3cr3t@db:5432/app failed"))
        .isEqualTo("jdbc:postgresql://admin:***@db:5432/app failed");
    assertThat(Redactor.redact("mongodb://root:p%40ss@host:27017/?authSource=admin"))
        .isEqualTo("mongodb://root:***@host:27017/?authSource=admin");
  }

  @Test
  void secretsManagerArns_stayReadable_soErrorsNameTheSecret() {
    String arn = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:atlas-api-AbCdEf";

    assertThat(Redactor.redact("cannot read secret " + arn)).endsWith(arn);
    assertThat(Redactor.redact("secret: s3cr3t-value")).isEqualTo("secret: ***");
  }

  @Test
  void keyValueSecrets_areMasked() {
    assertThat(Redactor.redact("password=hunter2 user=bob")).isEqualTo("password=*** user=bob");
    assertThat(Redactor.redact("{\"privateKey\": \"abc-123\"}"))
        .isEqualTo("{\"privateKey\": \"***\"}");
    assertThat(Redactor.redact("jdbc:mysql://db/app?user=x&password=pw1&ssl=true"))
        .isEqualTo("jdbc:mysql://db/app?user=x&password=***&ssl=true");
  }

  @Test
  void emailsAndAccessKeys_areMasked() {
    assertThat(Redactor.redact("user jane.doe+x@example.co.jp not found"))
        .isEqualTo("user <email> not found");
    assertThat(Redactor.redact("key AKIAABCDEFGHIJKLMNOP used"))
        .isEqualTo("key <aws-access-key-id> used");
  }

  @Test
  void registeredSecrets_areMaskedAnywhere() {
    Redactor.registerSecret("Zq9-very-secret");

    assertThat(Redactor.redact("auth failed with Zq9-very-secret for user"))
        .isEqualTo("auth failed with *** for user");
  }

  @Test
  void plainTextAndIds_stayReadable() {
    String text =
        "restoring cluster dev-app-next from snap-0abc (arn:aws:rds:eu-west-1:1:cluster:x)";
    assertThat(Redactor.redact(text)).isEqualTo(text);
  }
}
