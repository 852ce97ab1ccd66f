from service.domain.merge import Verdict, judge, statement_key


def test_identical_statements_are_the_same_belief() -> None:
    judgement = judge("Prefers concise output formats", "prefers concise  output formats.")
    assert judgement.verdict is Verdict.SAME
    assert judgement.score == 1.0


def test_different_statements_are_distinct() -> None:
    judgement = judge("Prefers concise output formats", "Does not prefer concise output formats")
    assert judgement.verdict is Verdict.DISTINCT


def test_statement_key_ignores_case_spacing_and_trailing_punctuation() -> None:
    assert statement_key("  Likes   Dark mode!! ") == "likes dark mode"
    assert statement_key("Likes dark mode") != statement_key("Likes light mode")
