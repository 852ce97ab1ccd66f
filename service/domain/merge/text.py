"""Reading a belief statement into what the rules compare.

A statement becomes a sequence of tokens: stemmed words, multi-word phrases joined with
"_", and each word's role: negator ("not", "never", "without"), hedge ("seems"),
exclusivity marker ("only", "always"), comparator ("over", "than"), a point on a scale
from `lexicon.POLES` (e.g. length +/-, attitude +/-) or plain content, canonicalized
through `lexicon.SYNONYMS` and `lexicon.EXPANSIONS`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import simplemma
import snowballstemmer  # type: ignore[import-untyped]

from service.domain.merge import lexicon

ATTITUDE = "attitude"

# Stemming is Snowball's English (Porter2) stemmer; irregular forms it cannot reach
# ("ran", "bought", "children") go through simplemma's English lemma dictionary first.
# Both are maintained libraries with their data in the wheel (docs/merging.md, "Reading").
_SNOWBALL = snowballstemmer.stemmer("english")


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The word's Snowball stem; an irregular form is lemmatized first ("ran" -> "run")."""
    if len(word) <= 2 or not word.isalpha() or word in lexicon.STOPWORDS:
        return word
    stemmed: str = _SNOWBALL.stemWord(word)
    if stemmed == word:
        lemma = simplemma.lemmatize(word, lang="en")
        if lemma != word and lemma.isalpha():
            stemmed = _SNOWBALL.stemWord(lemma)
    return stemmed


def same_family(x: str, y: str) -> bool:
    """Stems of one word family that the stemmer left apart ('violence' / 'violent',
    'pharmacy' / 'pharmacist'): a long common beginning."""
    common = 0
    for cx, cy in zip(x, y, strict=False):
        if cx != cy:
            break
        common += 1
    return common >= 5 and common >= 0.75 * min(len(x), len(y))


def _stem_phrase(phrase: str) -> str:
    return "_".join(stem(part) for part in phrase.strip().split("_") if part)


@dataclass(frozen=True)
class Lexicon:
    """The compiled lexicons: every entry stemmed the way statements are."""

    poles: dict[str, tuple[str, int]]
    """stemmed word or phrase -> (scale, +1 or -1)"""
    synonyms: dict[str, str]
    """stemmed word or phrase -> canonical word"""
    phrases: dict[tuple[str, ...], str]
    """sequence of stemmed words -> joined token"""
    max_phrase: int
    negators: frozenset[str]
    hedges: frozenset[str]
    exclusives: frozenset[str]
    comparators: frozenset[str]
    stopwords: frozenset[str]
    scales: frozenset[str]


def _entries(text: str) -> list[str]:
    return [e.strip().replace(" ", "_") for e in text.split(",") if e.strip()]


def _compile() -> Lexicon:
    poles: dict[str, tuple[str, int]] = {}
    synonyms: dict[str, str] = {}
    phrases: dict[tuple[str, ...], str] = {}

    def add_phrase(entry: str) -> str:
        stemmed = _stem_phrase(entry)
        parts = tuple(stemmed.split("_"))
        if len(parts) > 1:
            phrases.setdefault(parts, stemmed)
        return stemmed

    scales: set[str] = set()
    for line in lexicon.POLES.replace("\\\n", " ").splitlines():
        if not line.strip():
            continue
        name, _, body = line.partition(":")
        positive, _, negative = body.partition("|")
        scales.add(name.strip())
        for sign, words in ((1, positive), (-1, negative)):
            for entry in _entries(words):
                poles.setdefault(add_phrase(entry), (name.strip(), sign))
    for line in lexicon.SYNONYMS.replace("\\\n", " ").splitlines():
        entries = _entries(line)
        if not entries:
            continue
        head = _stem_phrase(entries[0])
        for entry in entries:
            stemmed = add_phrase(entry)
            if stemmed not in poles:
                synonyms.setdefault(stemmed, head)
    for entry in _entries(lexicon.PHRASES.replace("\n", " ")):
        add_phrase(entry)
    for word in lexicon.NEGATORS | lexicon.COMPARATORS | lexicon.EXCLUSIVES:
        add_phrase(word)
    return Lexicon(
        poles=poles,
        synonyms=synonyms,
        phrases=phrases,
        max_phrase=max(len(p) for p in phrases),
        negators=frozenset(_stem_phrase(w) for w in lexicon.NEGATORS),
        hedges=frozenset(stem(w) for w in lexicon.HEDGES) | lexicon.HEDGES,
        exclusives=frozenset(_stem_phrase(w) for w in lexicon.EXCLUSIVES) | lexicon.EXCLUSIVES,
        comparators=frozenset(_stem_phrase(w) for w in lexicon.COMPARATORS),
        stopwords=lexicon.STOPWORDS,
        scales=frozenset(scales),
    )


LEXICON = _compile()

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
_CONTRACTIONS = [
    (re.compile(r"\bcan't\b|\bcannot\b"), "can not"),
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\bshan't\b"), "shall not"),
    (re.compile(r"\b(\w+)n't\b"), r"\1 not"),
    (re.compile(r"\b(\w+)'(re|ve|ll|d|m)\b"), r"\1"),
    (re.compile(r"\b(\w+)'s\b"), r"\1"),
]
_FREE_SUFFIX = re.compile(r"\b([a-z]+)-free\b")
# "prefers X to Y" compares like "prefers X over Y" ("prefers to X" and "listening to" do not).
# A gerund before "to" compares only with a gerund after it ("prefers walking to driving").
_PREFER_TO = re.compile(
    r"\b(prefers?|preferred|preferring)\s+(?!to\b)((?:[\w'-]+\s+)*?"
    r"(?:[\w'-]*[^g\s]|[\w'-]+ing(?=\s+to\s+[\w'-]+ing\b)))\s+to\s+"
)
_NON_PREFIX = re.compile(r"\bnon-")
# "Keeps notifications on" / "off": a bare "on" or "off" that ends a clause is a switch.
_SWITCH = re.compile(
    r"(?<!switched )(?<!turned )(?<!turn )(?<!turns )\b(on|off)\b"
    r"(?=\s*(?:$|[,.;!?)]|(?:when|while|during|at|in|for|and|but|by|all|always|usually"
    r"|after|before|unless|most)\b))"
)
# "wants X replaced with Y" / "replaced X with Y": Y instead of X.
_REPLACED_PASSIVE = re.compile(
    r"\b(wants?|wanted|prefers?|likes?|asks?\s+for|would\s+like)\s+([^,;.]+?)\s+"
    r"(?:replaced|swapped|substituted)\s+(?:with|by|for)\s+([^,;.]+)"
)
_REPLACED_ACTIVE = re.compile(
    r"\b(?:replaced?|replaces|replacing|swapped|swaps?)\s+([^,;.]+?)\s+(?:with|for)\s+([^,;.]+)"
)
_WORD = re.compile(r"[a-z0-9+#]+(?:;[a-z]+)?")
_NEGATIVE_PREFIXES = ("un", "non", "dis", "in", "im", "ir", "il")
_EXPANSIONS = {k: v for k, v in lexicon.EXPANSIONS.items() if " " not in k and ";" not in k}
_PHRASE_EXPANSIONS = [
    (re.compile(r"(?<![a-z0-9])" + re.escape(k) + r"(?![a-z0-9])"), v)
    for k, v in lexicon.EXPANSIONS.items()
    if " " in k or ";" in k or "-" in k or ":" in k
]


@dataclass(frozen=True)
class Token:
    role: str
    """'content', 'pole', 'neg', 'hedge', 'excl' or 'cmp'"""
    value: str
    """canonical word; for a pole the scale name"""
    sign: int = 0
    """for a pole: +1 or -1"""
    word: str = ""
    """for a pole: the word itself"""

    @property
    def synonymous(self) -> bool:
        return self.role == "pole" and self.value in lexicon.SYNONYMOUS_SCALES

    @property
    def key(self) -> str:
        """What has to coincide for two tokens to count as the same word."""
        if self.synonymous:
            return f"{self.value}{'+' if self.sign > 0 else '-'}"
        if self.role == "pole":
            return self.word
        return self.value


def _free(match: re.Match[str]) -> str:
    """'X-free' -> 'no X', unless 'X free' is a lexicon phrase ('meat-free' = vegetarian)."""
    word = match.group(1)
    if (stem(word), "free") in LEXICON.phrases:
        return f"{word} free"
    return f"no {word}"


@functools.lru_cache(maxsize=16384)
def words(statement: str) -> tuple[str, ...]:
    """Casefolded words with contractions, '-free', 'non-', 'prefers X to Y' and 'X
    replaced with Y' rewritten. Cached: a belief's statement is compared again and again."""
    text = statement.translate(_QUOTES).casefold()
    for pattern, repl in _PHRASE_EXPANSIONS:
        text = pattern.sub(repl, text)
    for pattern, repl in _CONTRACTIONS:
        text = pattern.sub(repl, text)
    text = _FREE_SUFFIX.sub(_free, text)
    text = _PREFER_TO.sub(r"\1 \2 over ", text)
    text = _REPLACED_ACTIVE.sub(r"switched to \2 instead of \1", text)
    text = _REPLACED_PASSIVE.sub(r"\1 \3 instead of \2", text)
    text = _NON_PREFIX.sub("non ", text)
    text = _SWITCH.sub(r"switched \1", text)
    out: list[str] = []
    for word in _WORD.findall(text):
        out.extend(_EXPANSIONS.get(word, word).split())
    return tuple(out)


@functools.lru_cache(maxsize=16384)
def stemmed_words(statement: str) -> frozenset[str]:
    """The stems of the statement's `words`."""
    return frozenset(stem(w) for w in words(statement))


def _comparative_bases(token: str) -> list[str]:
    """Possible base words of a comparative, superlative or adverb ("bigger" -> "big")."""
    for suffix in ("est", "er", "li"):  # "li": Snowball's stem of an adverb's "-ly"
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            base = token[: -len(suffix)]
            bases = [base, base[:-1], base + "e"]
            if base.endswith("i"):
                bases.append(base[:-1] + "y")
            return [b for b in bases if len(b) >= 3]
    return []


def _classify(token: str, raw: str) -> Token | None:
    lex = LEXICON
    if raw in lex.negators or token in lex.negators:
        return Token("neg", token)
    if raw in lexicon.HEDGES:
        return Token("hedge", raw)
    if token in lex.comparators:
        return Token("cmp", token)
    if raw in lex.stopwords:
        return None
    if token in lex.poles:
        scale, sign = lex.poles[token]
        return Token("pole", scale, sign, token)
    if token in lex.exclusives or raw in lex.exclusives:
        return Token("excl", token)
    if token in lex.hedges:
        return Token("hedge", token)
    if token in lex.stopwords:
        return None
    if token in lex.synonyms:
        return Token("content", lex.synonyms[token])
    for candidate in _comparative_bases(token):
        # Comparatives and superlatives of degree words: "shorter", "biggest", "safer"
        # (not "printer" or "reader": only the adjective scales).
        if candidate in lex.poles:
            scale, sign = lex.poles[candidate]
            if scale in lexicon.SYNONYMOUS_SCALES and scale != ATTITUDE:
                return Token("pole", scale, sign, candidate)
    for prefix in _NEGATIVE_PREFIXES:
        base = token[len(prefix) :]
        if token.startswith(prefix) and len(base) >= 4 and base in lex.poles:
            scale, sign = lex.poles[base]
            return Token("pole", scale, -sign, token)
    return Token("content", token)


@functools.lru_cache(maxsize=8192)
def tokens(statement: str) -> tuple[Token, ...]:
    raws = words(statement)
    stems = [stem(w) for w in raws]
    lex = LEXICON
    out: list[Token] = []
    i = 0
    while i < len(stems):
        for n in range(min(lex.max_phrase, len(stems) - i), 0, -1):
            piece = tuple(stems[i : i + n])
            joined = lex.phrases.get(piece) if n > 1 else piece[0]
            if joined is not None:
                token = _classify(joined, raws[i] if n == 1 else joined)
                if token is not None:
                    out.append(token)
                i += n
                break
    return tuple(out)


def is_exclusive(statement: str) -> bool:
    return any(w in lexicon.EXCLUSIVES for w in words(statement))


@dataclass(frozen=True)
class Analysis:
    """What the rules compare about one statement."""

    tokens: tuple[Token, ...]
    content: frozenset[str]
    """canonical content words and scale points ('length+'), without attitude"""
    negations: int
    """negators left free (not folded into a scale word)"""
    folded: int
    """negators folded into the scale word they govern"""
    attitude: int
    """-1 with any negative attitude word, +1 with only positive ones, 0 with none"""
    scales: dict[str, frozenset[int]]
    """scale -> signs present (attitude excluded)"""
    scale_keys: dict[str, frozenset[str]]
    """scale -> the content keys of its words"""
    exclusive: bool
    strongly_exclusive: bool
    """'only', 'exclusively', 'solely'"""
    hedged: bool
    comparison: tuple[frozenset[str], frozenset[str]] | None
    """content before and after a comparator ('X over Y'), if any"""
    negated: frozenset[str]
    """content words after a free negator, up to a comparator (its scope)"""
    disliked: frozenset[str]
    """content words right after a negative attitude word ('avoids X')"""


def _absorb_negations(toks: tuple[Token, ...]) -> tuple[list[Token], int, set[int]]:
    """Fold a negator into the scale word it governs: 'not long' -> short, 'no interest'
    -> dislike. Returns the tokens, how many negators were folded, and the positions of
    the negators left free."""
    out: list[Token] = []
    folded = 0
    free: set[int] = set()
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.role == "neg":
            j = i + 1
            while j < len(toks) and toks[j].role in ("hedge", "excl"):
                j += 1
            if j < len(toks) and toks[j].synonymous:
                target = toks[j]
                out.extend(toks[i + 1 : j])
                out.append(Token("pole", target.value, -target.sign, "not_" + target.word))
                folded += 1
                i = j + 1
                continue
            free.add(len(out))
        out.append(tok)
        i += 1
    return out, folded, free


@functools.lru_cache(maxsize=8192)
def analyse(statement: str) -> Analysis:
    toks, folded, _ = _absorb_negations(tokens(statement))
    content: set[str] = set()
    scales: dict[str, set[int]] = {}
    scale_keys: dict[str, set[str]] = {}
    attitude = 0
    negations = 0
    negated: set[str] = set()
    pending_negation = False
    pending_dislike = False
    liked = False
    disliked: set[str] = set()
    comparison_at: int | None = None
    for index, tok in enumerate(toks):
        if tok.role == "neg":
            negations += 1
            pending_negation = True
            continue
        if tok.role == "cmp":
            pending_negation = False
            if comparison_at is None:
                comparison_at = index
        if tok.role == "pole" and tok.value == ATTITUDE:
            # Any negative attitude word makes the statement negative: "wants to avoid",
            # "finds it annoying and unwelcome"; negators were folded in already.
            attitude = min(attitude, tok.sign) if attitude else tok.sign
            liked = liked or tok.sign > 0
            pending_dislike = pending_dislike or tok.sign < 0
            continue
        if tok.role == "pole" and comparison_at is not None:
            # What follows "than"/"over"/"instead of" is the dispreferred side.
            tok = Token("pole", tok.value, -tok.sign, tok.word)
        if tok.role == "pole":
            scales.setdefault(tok.value, set()).add(tok.sign)
            scale_keys.setdefault(tok.value, set()).add(tok.key)
        if tok.role in ("content", "pole"):
            content.add(tok.key)
            if pending_negation:
                negated.add(tok.key)
            if pending_dislike:
                disliked.add(tok.key)
                pending_dislike = False
    comparison = None
    if comparison_at is not None:
        before = frozenset(
            t.key
            for t in toks[:comparison_at]
            if t.role in ("content", "pole") and t.value != ATTITUDE
        )
        after = frozenset(
            t.key
            for t in toks[comparison_at + 1 :]
            if t.role in ("content", "pole") and t.value != ATTITUDE
        )
        if before and after:
            comparison = (before, after)
    return Analysis(
        tokens=tuple(toks),
        content=frozenset(content),
        negations=negations,
        folded=folded,
        attitude=attitude,
        scales={k: frozenset(v) for k, v in scales.items()},
        scale_keys={k: frozenset(v) for k, v in scale_keys.items()},
        exclusive=is_exclusive(statement),
        strongly_exclusive=any(w in lexicon.STRONG_EXCLUSIVES for w in words(statement)),
        hedged=any(t.role == "hedge" for t in toks),
        comparison=comparison,
        negated=frozenset(negated),
        # "Finds X boring": a negative attitude bears on everything the statement names.
        # ...unless it also has a positive one ("prefers X and stays away from Y").
        disliked=frozenset(content) if attitude < 0 and not liked else frozenset(disliked),
    )
