package io.dbrestore.masking.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** How UniqueFit reads index expressions and conditions, without a database. */
class UniqueFitTest {

  @Test
  void readBy_findsWholeIdentifiers_bareOrQuoted_notPartsOfOtherNames() {
    Set<String> columns = Set.of("mail", "Email", "status");

    assertThat(UniqueFit.readBy("lower((\"Email\")::text)", columns)).containsExactly("Email");
    assertThat(UniqueFit.readBy("lower(`Email`)", columns)).containsExactly("Email");
    assertThat(UniqueFit.readBy("((status)::text = 'active'::text)", columns))
        .containsExactly("status");
    assertThat(UniqueFit.readBy("substr(email_address, 1, 4)", columns)).isEmpty();
    assertThat(UniqueFit.readBy("(doc ->> 'email'::text)", Set.of("doc", "email")))
        .containsExactlyInAnyOrder("doc", "email"); // a literal counts: conservative
  }

  @Test
  void caseFoldOf_acceptsLowerAndUpperOfTheColumnOnly() {
    assertThat(UniqueFit.caseFoldOf("lower((email)::text)", "email")).isTrue();
    assertThat(UniqueFit.caseFoldOf("lower(email::text)", "email")).isTrue();
    assertThat(UniqueFit.caseFoldOf("upper(\"Email\"::character varying)", "Email")).isTrue();
    assertThat(UniqueFit.caseFoldOf("(lower(`email`))", "email")).isTrue();
    assertThat(UniqueFit.caseFoldOf("lower(btrim(email))", "email")).isFalse();
    assertThat(UniqueFit.caseFoldOf("lower(other)", "email")).isFalse();
    assertThat(UniqueFit.caseFoldOf("substr(email, 1, 4)", "email")).isFalse();
  }
}
