"""Pairwise scoring of two identities, with the evidence for each point of the score."""

from __future__ import annotations

from rapidfuzz import fuzz

from matchers.identity import Identity
from matchers.normalize import fold, fold_document
from matchers.result import Band, Comparison, Feature

DEFAULT_THRESHOLD = 0.70


def band_for(score: float, threshold: float) -> Band:
    """The band of a score; anything under the alert threshold is no band at all."""
    if score < threshold:
        return Band.NONE
    if score >= 0.90:
        return Band.CONFIRMED
    if score >= 0.80:
        return Band.PROBABLE
    return Band.POSSIBLE


def _best_name(query: Identity, listed: Identity) -> tuple[float, str, str]:
    best = (0.0, query.names[0], listed.names[0])
    for q in query.names:
        fq = fold(q)
        for candidate in listed.names:
            s = fuzz.token_sort_ratio(fq, fold(candidate)) / 100.0
            if s > best[0]:
                best = (s, q, candidate)
    return best


def compare(query: Identity, listed: Identity, threshold: float = DEFAULT_THRESHOLD) -> Comparison:
    """Compare a traveller with a listed identity; symmetric in everything but wording."""
    name_score, query_name, matched_name = _best_name(query, listed)
    features = [Feature(name="name", value=name_score, detail=f"name similarity {name_score:.2f}")]
    score = name_score
    docs_q = {fold_document(d.number) for d in query.documents}
    docs_l = {fold_document(d.number) for d in listed.documents}
    if docs_q & docs_l:
        features.append(Feature(name="document", value=0.3, detail="document number identical"))
        score += 0.3
    dobs_q, dobs_l = set(query.birth_dates), set(listed.birth_dates)
    if dobs_q and dobs_l:
        if dobs_q & dobs_l:
            features.append(Feature(name="birth_date", value=0.1, detail="date of birth equal"))
            score += 0.1
        else:
            features.append(Feature(name="birth_date", value=-0.15, detail="date of birth differs"))
            score -= 0.15
    score = min(1.0, max(0.0, score))
    band = band_for(score, threshold)
    explanation = "; ".join(f.detail for f in features)
    return Comparison(
        score=round(score, 4),
        band=band,
        alert=band is not Band.NONE,
        features=features,
        explanation=explanation,
        matched_name=matched_name,
        query_name=query_name,
    )
