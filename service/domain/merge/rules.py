"""Rule signals between two statements: polarity flips, reversed comparisons, clashes.

Every signal is symmetric: comparing (a, b) gives the same as (b, a).
"""

from __future__ import annotations

from dataclasses import dataclass

from service.domain.merge import lexicon
from service.domain.merge.text import ATTITUDE, Analysis, same_family

_NEGATIVE_PREFIXES = ("un", "non", "dis", "in", "im", "ir", "il", "de", "anti")
_PRIVATIVE_SUFFIX = "less"


@dataclass(frozen=True)
class Signals:
    matched: int
    """content words and scale points both statements share"""
    only_min: int
    only_max: int
    """unshared content words: on the side with fewer, and with more"""
    coverage: float
    """shared / content words of the longer statement"""
    jaccard: float
    negations: int
    """negators in both statements together whose object both statements name"""
    half_swapped: bool
    """'prefers X over Y' against a plain 'likes Y'"""
    attitude_flip: bool
    """one likes, the other dislikes or avoids"""
    one_sided_attitude: bool
    """the attitude flip comes from one statement only ('avoids X' / 'eats X')"""
    opposite_scales: tuple[str, ...]
    """scales on which the statements sit at opposite ends ('length', 'formality')"""
    prefix_antonyms: tuple[str, ...]
    """words negated by a prefix in the other statement ('comfortable'/'uncomfortable')"""
    negation_scope_shared: bool
    """what the negator applies to is present in the other statement"""
    swapped: bool
    """'X over Y' against 'Y over X'"""
    exclusive_clash: bool
    """two exclusive claims ('only', 'always', 'all') about different objects"""
    strong_exclusive_clash: bool
    """the same with 'only', 'exclusively' or 'solely' on at least one side"""
    folded: int
    """negators folded into a scale word ('not long'), both statements together"""
    hedge_mismatch: bool
    same_content: bool
    """the same content words, the same attitude, no negator on either side"""
    converse: bool = False
    """converse roles, one on each side ('learns X' / 'teaches X')"""
    unmirrored_negation: bool = False
    """an odd number of free negators, none of them scoped in the other statement ('has
    never worked in sales' / 'is a salesperson')"""

    @property
    def flips(self) -> int:
        # Opposite ends of scales count once however many scales differ: "serious,
        # formal" against "playful, informal" is one reversal, not two.
        return (
            self.negations
            + int(self.attitude_flip)
            + int(bool(self.opposite_scales or self.prefix_antonyms))
        )

    @property
    def polarity_flip(self) -> bool:
        """An odd number of reversals: one statement says the opposite of the other."""
        return self.flips % 2 == 1

    @property
    def frame_shared(self) -> bool:
        """The statements talk about the same thing apart from the reversing words."""
        return self.matched >= 1 and self.only_max <= 2 and self.coverage >= 0.5

    @property
    def clear_reversal(self) -> bool:
        """An odd number of reversals and nothing else differs, or a free negator whose
        object both statements name ('with no Markdown' / 'in Markdown')."""
        if not self.polarity_flip:
            return False
        if self.matched == 0:
            # "Is a morning person" / "Is a night owl": nothing but the reversed words.
            return self.only_max == 0 and bool(self.opposite_scales or self.prefix_antonyms)
        if self.only_min == 0 and self.only_max <= (1 if self.one_sided_attitude else 2):
            # One statement's content is all in the other, with the polarity reversed.
            return True
        return (
            self.negations % 2 == 1
            and self.negation_scope_shared
            and self.only_max <= 3
            and self.coverage >= 0.4
        )

    def cues(self) -> list[str]:
        out: list[str] = []
        if self.negations % 2 == 1:
            out.append("negation")
        if self.attitude_flip:
            out.append("opposite attitude")
        out.extend(f"antonym ({scale})" for scale in self.opposite_scales)
        out.extend(f"prefix negation ('{word}')" for word in self.prefix_antonyms)
        return out


def _prefix_pairs(only_a: set[str], only_b: set[str]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for x in sorted(only_a):
        for y in sorted(only_b):
            for longer, shorter in ((x, y), (y, x)):
                if len(shorter) < 4:
                    continue
                # "careless" / "careful": the privative suffix against the base word.
                privative = longer.endswith(_PRIVATIVE_SUFFIX) and shorter.startswith(
                    longer[: -len(_PRIVATIVE_SUFFIX)]
                )
                if privative or any(
                    longer.startswith(prefix) and longer[len(prefix) :].lstrip("_") == shorter
                    for prefix in _NEGATIVE_PREFIXES
                ):
                    pairs.append((x, y))
    return pairs


def _fuzzy_pairs(only_a: set[str], only_b: set[str]) -> list[tuple[str, str]]:
    """Words of one family the stemmer left apart ('violence'/'violent')."""
    pairs: list[tuple[str, str]] = []
    for x in sorted(only_a):
        for y in sorted(only_b):
            if x[-1] in "+-" or y[-1] in "+-":
                continue
            if same_family(x, y):
                pairs.append((x, y))
    return pairs


def _half_swapped(a: Analysis, b: Analysis) -> bool:
    """a prefers X over Y; b, with no comparison, favors Y and does not name X."""
    if a.comparison is None or b.comparison is not None or b.attitude <= 0:
        return False
    left, right = a.comparison
    left, right = left - right, right - left
    # b may share a frame word with the favored side ("paying by card over cash" /
    # "paying with cash") but not all of it.
    shared_left = b.content & left
    return (
        bool(b.content & right)
        and shared_left < left
        and len(shared_left) <= len(b.content & right)
    )


def _swapped(a: Analysis, b: Analysis) -> bool:
    if a.comparison is None or b.comparison is None:
        return False
    a_left, a_right = a.comparison
    b_left, b_right = b.comparison
    frame = (a_left & b_left) - (a_right | b_right)
    a_left, b_left = a_left - frame, b_left - frame
    frame_right = (a_right & b_right) - (a_left | b_left)
    a_right, b_right = a_right - frame_right, b_right - frame_right
    cross = len(a_left & b_right) + len(a_right & b_left)
    straight = len(a_left & b_left) + len(a_right & b_right)
    return bool(a_left & b_right) and bool(a_right & b_left) and cross > straight


def _converse(a: Analysis, b: Analysis) -> bool:
    for x, y in lexicon.CONVERSES:
        for p, q in ((a.content, b.content), (b.content, a.content)):
            if x in p and y not in p and y in q and x not in q:
                return True
    return False


def signals(a: Analysis, b: Analysis) -> Signals:
    opposite = tuple(
        sorted(
            scale
            for scale in a.scales.keys() & b.scales.keys()
            if len(a.scales[scale]) == 1
            and len(b.scales[scale]) == 1
            and a.scales[scale] != b.scales[scale]
        )
    )
    dropped: set[str] = set()
    for scale in opposite:
        dropped |= a.scale_keys.get(scale, frozenset()) | b.scale_keys.get(scale, frozenset())
    content_a = set(a.content) - dropped
    content_b = set(b.content) - dropped
    shared = content_a & content_b
    only_a = content_a - shared
    only_b = content_b - shared
    renamed: dict[str, str] = {}
    for x, y in _fuzzy_pairs(only_a, only_b):
        if x in only_a and y in only_b:
            renamed[y] = x
            only_a.discard(x)
            only_b.discard(y)
            content_b.discard(y)
            content_b.add(x)
            shared.add(x)
    pairs = _prefix_pairs(only_a, only_b)
    prefixed: list[str] = []
    for x, y in pairs:
        if x in only_a and y in only_b:
            only_a.discard(x)
            only_b.discard(y)
            content_a.discard(x)
            content_b.discard(y)
            prefixed.append(min(x, y, key=len))
    longest = max(len(content_a), len(content_b), 1)
    union = len(content_a | content_b) or 1
    if a.attitude and b.attitude:
        attitude_flip = a.attitude != b.attitude
    else:
        # Only one statement has an attitude word: it reverses the other only when it is
        # negative and bears on something the other names ("avoids X" / "uses X").
        attitude_flip = bool(
            (a.attitude < 0 and a.disliked & b.content)
            or (b.attitude < 0 and b.disliked & a.content)
        )
    # A negator counts only when what it negates is named by the other statement too:
    # "wants X with no Y" does not reverse "wants X".
    # Also when everything the other statement names lies in the negator's scope: "has
    # never worked in finance or accounting" / "is an accountant".
    negated_a = a.negated - dropped
    negated_b = {renamed.get(w, w) for w in b.negated - dropped}
    scoped_a = (
        a.negations if negated_a <= b.content or (content_b and content_b <= negated_a) else 0
    )
    scoped_b = (
        b.negations if negated_b <= a.content or (content_a and content_a <= negated_b) else 0
    )
    scope_shared = (scoped_a + scoped_b) == (a.negations + b.negations)
    return Signals(
        matched=len(shared),
        only_min=min(len(only_a), len(only_b)),
        only_max=max(len(only_a), len(only_b)),
        coverage=len(shared) / longest,
        jaccard=len(shared) / union,
        negations=scoped_a + scoped_b,
        half_swapped=_half_swapped(a, b) or _half_swapped(b, a),
        attitude_flip=attitude_flip,
        one_sided_attitude=attitude_flip and not (a.attitude and b.attitude),
        opposite_scales=opposite,
        prefix_antonyms=tuple(sorted(prefixed)),
        negation_scope_shared=scope_shared,
        swapped=_swapped(a, b) or _swapped(b, a),
        exclusive_clash=(
            a.exclusive
            and b.exclusive
            and len(shared) >= 1
            and len(only_a) >= 1
            and len(only_b) >= 1
            and max(len(only_a), len(only_b)) <= 2
        ),
        strong_exclusive_clash=(
            a.exclusive
            and b.exclusive
            and (a.strongly_exclusive or b.strongly_exclusive)
            and len(shared) >= 1
            and len(only_a) >= 1
            and len(only_b) >= 1
            and max(len(only_a), len(only_b)) <= 2
        ),
        folded=a.folded + b.folded,
        hedge_mismatch=a.hedged != b.hedged,
        converse=_converse(a, b),
        unmirrored_negation=(a.negations + b.negations) % 2 == 1 and scoped_a + scoped_b == 0,
        same_content=(
            not only_a
            and not only_b
            and len(shared) >= 2
            and not opposite
            and not prefixed
            and (a.attitude or 1) == (b.attitude or 1)
            and a.negations == 0
            and b.negations == 0
            and a.comparison is None
            and b.comparison is None
        ),
    )


__all__ = ["ATTITUDE", "Signals", "signals"]
